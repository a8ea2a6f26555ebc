import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryStore
import Logging

/// Everything a command needs to work against the store: the database (the embedded cluster
/// unless one is configured), the migrated schema, the reference places, and the phone-key secret.
public final class Workspace: @unchecked Sendable {
    public let stateDirectory: URL
    public let database: DatabaseConfiguration
    public let places: PlaceDirectory
    public let keyer: PhoneKeyer
    /// Whether this process started the embedded cluster (and so stops it in `shutdown`).
    public let ownsCluster: Bool
    let logger: Logger

    /// Opens (and migrates) the store. `databaseURL` nil means `DATABASE_URL`, `PG*`, or the
    /// embedded cluster under `stateDirectory`, which only a command that writes (`create`)
    /// may create: a read-only one on a missing cluster gets an error naming the directory.
    public init(
        stateDirectory: URL, databaseURL: String?, create: Bool = true, logger: Logger = Logger(label: "itinerary")
    ) throws {
        if create { try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true) }
        self.stateDirectory = stateDirectory
        self.logger = logger
        let wasRunning = (try? EmbeddedPostgres(stateDirectory: stateDirectory).isRunning()) ?? false
        database = try Database.open(
            url: databaseURL, stateDirectory: stateDirectory, createCluster: create, logger: logger)
        ownsCluster = database.embedded != nil && !wasRunning
        let divisions = try Divisions.load()
        let countries = try Countries.load()
        places = PlaceDirectory(divisions: divisions, countries: countries)
        keyer = PhoneKeyer(secret: try Secrets.phoneKeySecret(stateDirectory: stateDirectory))
        let connection = try connect()
        try Migrator(directory: try Migrator.defaultDirectory()).migrate(connection)
        try ReferenceStore(connection: connection).ensurePlaces(divisions: divisions, countries: countries)
    }

    /// The connection string for this process: on the embedded cluster it names the process
    /// (`application_name`), so `shutdown` can tell its own connections from other processes'.
    public var connectionString: String {
        ownsCluster
            ? database.connectionString + " application_name=\(Self.applicationName)" : database.connectionString
    }

    private static let applicationName = "itinerary-\(getpid())"

    /// A new connection to the store.
    public func connect() throws -> PostgresConnection {
        try PostgresConnection(connectionString)
    }

    /// The feed reader over the cells in force.
    public func reader(connection: PostgresConnection) throws -> FeedReader {
        let rows = try ReferenceStore(connection: connection).cells()
        let cells = CellTable(
            rows.compactMap { row in
                guard let key = CellKey(mcc: row.mcc, mnc: row.mnc, lac: row.lac, cellID: row.cellID),
                    let city = places.city(ofAdcode: row.adcode)
                else { return nil }
                return (key, city)
            })
        return FeedReader(directory: places, cells: cells)
    }

    /// The card rules with the risk areas in force.
    public func rules(_ configuration: RuleConfiguration, connection: PostgresConnection) throws -> CardRules {
        CardRules(configuration: configuration, risk: RiskMap(try ReferenceStore(connection: connection).riskAreas()))
    }

    /// The close contacts in force, by phone key.
    public func contacts(connection: PostgresConnection) throws -> ContactList<PhoneKey> {
        ContactList(try ReferenceStore(connection: connection).contacts())
    }

    /// Stops the embedded cluster if this process started it and no other process is using it
    /// (a daemon that came up meanwhile keeps it).
    public func shutdown() {
        guard ownsCluster, let cluster = database.embedded else { return }
        do {
            let others = try connect().execute(
                """
                SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND application_name <> $1
                """, .text(Self.applicationName)
            ).decode(Int64.self, 0, 0)
            if others == 0 { try cluster.stop() }
        } catch {
            logger.warning("could not stop the embedded cluster: \(error)")
        }
    }
}
