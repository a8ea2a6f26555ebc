import Foundation
import ItineraryPostgres

/// Applies the ordered SQL migrations of a directory and records them in `schema_migrations`.
///
/// Each migration runs in its own transaction together with its `schema_migrations` row, under a
/// transaction-scoped advisory lock, so concurrent processes apply each migration exactly once.
/// Migration files must therefore not contain transaction control (`BEGIN`, `COMMIT`) or
/// statements that cannot run in a transaction (`CREATE INDEX CONCURRENTLY`).
public struct Migrator: Sendable {
    /// Key of the advisory lock serialising migrators ("itinerar" in ASCII).
    static let advisoryLockKey: Int64 = 0x6974_696E_6572_6172

    /// The directory holding `NNNN_name.sql` files.
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// Finds the `SQL/` migrations: `ITINERARY_SQL_DIR` if set; else beside the executable
    /// (`SQL/` in its directory, or `share/itinerary/SQL` of its prefix, as `scripts/install`
    /// lays them out, symlinks resolved); else the first ancestor of the executable or of the current directory
    /// that holds `Package.swift` and `SQL/*.sql` (a checkout).
    public static func defaultDirectory(settings: ItinerarySettings = .process) throws -> URL {
        if let configured = settings.sqlDirectory {
            let url = URL(fileURLWithPath: configured, isDirectory: true)
            guard containsMigrations(url) else {
                throw MigrationError("ITINERARY_SQL_DIR=\(configured) holds no .sql files")
            }
            return url
        }
        let executable = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments.first ?? "")
            .resolvingSymlinksInPath().deletingLastPathComponent()
        let installLayout = ["SQL", "../share/itinerary/SQL", "../../share/itinerary/SQL"].map {
            executable.appendingPathComponent($0)
        }
        for installed in installLayout where containsMigrations(installed) {
            return installed.standardizedFileURL
        }
        let starts = [executable, URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)]
        for start in starts {
            var directory = start.standardizedFileURL
            while true {
                let candidate = directory.appendingPathComponent("SQL", isDirectory: true)
                let manifest = directory.appendingPathComponent("Package.swift").path
                if FileManager.default.fileExists(atPath: manifest) && containsMigrations(candidate) {
                    return candidate
                }
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        throw MigrationError(
            "cannot find the SQL/ migrations beside the executable or in a checkout above \(starts.map(\.path).joined(separator: " or ")); "
                + "install with scripts/install, or set ITINERARY_SQL_DIR")
    }

    /// The migrations in the directory, in version order.
    public func migrations() throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
        var byVersion: [Int: Migration] = [:]
        for file in files {
            guard let (version, name) = Migration.parseFileName(file) else {
                throw MigrationError("\(file) does not match NNNN_name.sql")
            }
            if let clash = byVersion[version] {
                throw MigrationError("\(file) and \(clash.name) share version \(version)")
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            byVersion[version] = Migration(version: version, name: name, sql: sql)
        }
        return byVersion.values.sorted { $0.version < $1.version }
    }

    /// Applies every migration not yet recorded, in order.
    /// - Returns: the migrations this call applied (empty when the schema was up to date).
    @discardableResult
    public func migrate(_ connection: PostgresConnection) throws -> [Migration] {
        let pending = try migrations()
        try connection.transaction { connection in
            try lock(connection)
            try connection.execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version int PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
        }
        var applied: [Migration] = []
        for migration in pending {
            let didApply = try connection.transaction { connection in
                try lock(connection)
                // Checked under the lock: another process may have applied it meanwhile.
                let recorded = try connection.execute(
                    "SELECT 1 FROM schema_migrations WHERE version = $1", .int(Int64(migration.version)))
                guard recorded.rowCount == 0 else { return false }
                do {
                    try connection.executeScript(migration.sql)
                } catch let error as PostgresError {
                    throw PostgresError(
                        sqlState: error.sqlState,
                        message: "migration \(migration.version) (\(migration.name)) failed: \(error.message)",
                        detail: error.detail,
                        connectionLost: error.isConnectionFailure
                    )
                }
                try connection.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    .int(Int64(migration.version)), .text(migration.name))
                return true
            }
            if didApply { applied.append(migration) }
        }
        return applied
    }

    private func lock(_ connection: PostgresConnection) throws {
        try connection.execute("SELECT pg_advisory_xact_lock($1::int8)", .int(Self.advisoryLockKey))
    }

    private static func containsMigrations(_ directory: URL) -> Bool {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.contains { $0.hasSuffix(".sql") }
    }
}
