import ItineraryCore
import ItineraryPostgres

/// The coordinator of a sharded store (README, Sharding): one database that presents the
/// shards' per-phone tables as one, over `postgres_fdw`, so lookups reach any phone by one URL.
///
/// Each shard is an ordinary store (its own migrations, pipeline and writer lock) holding the
/// phones `PhoneShards` gives it. On the coordinator each of the shards' per-phone tables (the
/// partitioned tables keyed by `phone_key`) becomes a table partitioned by RANGE on
/// `phone_key`, whose partitions are foreign tables on the shards, with the same bounds the
/// split uses: a lookup by key is pruned to one shard's query. `pipeline_state` becomes a
/// view over every shard's: the data time is the newest of theirs (the time a single node
/// would be at), and its `xmin` column joins their row versions, so a commit on any shard
/// changes it. Reference data, risk and contact lists and the lookup service's own tables stay
/// local to the coordinator. Nothing here coordinates the shards' pipelines.
public struct ShardCoordinator {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// The view each shard gets, read by the coordinator's `pipeline_state`.
    static let shardStateView = "itinerary_shard_state"
    /// Prefix of the foreign servers and of the schemas their tables are imported into.
    static let prefix = "itinerary_shard_"

    /// Prepares a shard's own database for a coordinator: the view of its pipeline state.
    public static func prepareShard(_ shard: PostgresConnection) throws {
        try shard.execute(
            "CREATE OR REPLACE VIEW \(shardStateView) AS SELECT xmin::text AS version, newest_accepted FROM pipeline_state"
        )
    }

    /// Whether this database is a coordinator (it holds no pipeline data of its own).
    public static func isCoordinator(_ connection: PostgresConnection) throws -> Bool {
        try connection.execute("SELECT to_regclass('shard_nodes') IS NOT NULL").decode(Bool.self, 0, 0)
    }

    /// The per-phone tables of a store: its partitioned tables keyed by `phone_key`.
    public static func perPhoneTables(_ connection: PostgresConnection) throws -> [String] {
        let result = try connection.execute(
            """
            SELECT c.relname::text FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'p' AND NOT c.relispartition
              AND a.attname = 'phone_key' ORDER BY 1
            """)
        return try (0..<result.rowCount).map { try result.decode(String.self, $0, 0) }
    }

    /// Makes this database the coordinator of `shards` (connection strings, in shard order),
    /// replacing any earlier layout, in one transaction. `tables` are the shards' per-phone
    /// tables (`perPhoneTables` of one of them). Each shard must be migrated and prepared
    /// (`prepareShard`). User and password of a shard's connection string go into a user
    /// mapping for every role, every other parameter into its foreign server.
    public func initialize(shards: [String], tables: [String]) throws {
        precondition(!shards.isEmpty, "a coordinator needs at least one shard")
        let layout = PhoneShards(count: shards.count)
        let parameters = try shards.map { try ConnectionString.parameters(of: $0) }
        let servers = shards.indices.map { Self.prefix + String($0) }
        func bound(_ index: Int) -> String {
            guard index < shards.count else { return "MAXVALUE" }
            return layout.lowerBound(of: index).map { Self.literal("\\x" + Self.hex($0)) + "::bytea" } ?? "MINVALUE"
        }
        try connection.transaction { connection in
            try connection.execute("CREATE EXTENSION IF NOT EXISTS postgres_fdw")
            try dropLayout(connection)
            try connection.execute(
                "CREATE TABLE shard_nodes (shard integer PRIMARY KEY, server text NOT NULL, lower_bound bytea)")
            for (index, pairs) in parameters.enumerated() {
                let server = servers[index]
                let serverOptions = pairs.filter {
                    !Self.mappingKeys.contains($0.key) && !Self.ignoredKeys.contains($0.key)
                }
                let mappingOptions = pairs.filter { Self.mappingKeys.contains($0.key) }
                try connection.execute(
                    "CREATE SERVER \(server) FOREIGN DATA WRAPPER postgres_fdw OPTIONS (\(Self.options(serverOptions + [("async_capable", "true")])))"
                )
                try connection.execute(
                    "CREATE USER MAPPING FOR PUBLIC SERVER \(server)"
                        + (mappingOptions.isEmpty ? "" : " OPTIONS (\(Self.options(mappingOptions)))"))
                try connection.execute("CREATE SCHEMA \(server)")
                try connection.execute(
                    "IMPORT FOREIGN SCHEMA public LIMIT TO (\((tables + [Self.shardStateView]).joined(separator: ", "))) FROM SERVER \(server) INTO \(server)"
                )
                try connection.execute(
                    "INSERT INTO shard_nodes VALUES ($1::int4, $2, $3)", .int(Int64(index)), .text(server),
                    layout.lowerBound(of: index).map { .bytes($0) })
            }
            for table in tables {
                try connection.execute(
                    "CREATE TABLE \(table) (LIKE \(servers[0]).\(table)) PARTITION BY RANGE (phone_key)")
                for (index, server) in servers.enumerated() {
                    try connection.execute(
                        "ALTER TABLE \(table) ATTACH PARTITION \(server).\(table) FOR VALUES FROM (\(bound(index))) TO (\(bound(index + 1)))"
                    )
                }
            }
            let states = servers.enumerated().map { index, server in
                "SELECT \(index) AS shard, version, newest_accepted FROM \(server).\(Self.shardStateView)"
            }
            try connection.execute(
                """
                CREATE VIEW pipeline_state AS
                SELECT true AS singleton, max(newest_accepted) AS newest_accepted,
                       string_agg(shard || ':' || version, ',' ORDER BY shard) AS xmin
                FROM (\(states.joined(separator: " UNION ALL "))) s
                """)
        }
    }

    /// Drops the coordinator's per-phone tables and any earlier layout (within a transaction).
    private func dropLayout(_ connection: PostgresConnection) throws {
        try connection.execute(
            """
            DO $$
            DECLARE name text;
            BEGIN
                IF to_regclass('pipeline_state') IS NOT NULL THEN
                    IF (SELECT relkind FROM pg_class WHERE oid = to_regclass('pipeline_state')) = 'v' THEN
                        DROP VIEW pipeline_state;
                    ELSE
                        DROP TABLE pipeline_state;
                    END IF;
                END IF;
                FOR name IN SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
                            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'p' AND NOT c.relispartition
                              AND a.attname = 'phone_key' LOOP
                    EXECUTE format('DROP TABLE %I CASCADE', name);
                END LOOP;
                FOR name IN SELECT srvname FROM pg_foreign_server WHERE srvname LIKE '\(Self.prefix)%' LOOP
                    EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', name);
                    EXECUTE format('DROP SERVER %I CASCADE', name);
                END LOOP;
                DROP TABLE IF EXISTS shard_nodes;
            END $$
            """)
    }

    /// Connection parameters that belong in a user mapping rather than the server.
    static let mappingKeys: Set<String> = ["user", "password", "sslpassword"]
    /// Parameters postgres_fdw sets itself or refuses.
    static let ignoredKeys: Set<String> = ["client_encoding", "replication", "fallback_application_name"]

    /// `key 'value', …` for an OPTIONS clause.
    static func options(_ pairs: [(key: String, value: String)]) -> String {
        pairs.map { "\($0.key) \(literal($0.value))" }.joined(separator: ", ")
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// A SQL string literal.
    static func literal(_ value: String) -> String {
        "'" + value.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }
}
