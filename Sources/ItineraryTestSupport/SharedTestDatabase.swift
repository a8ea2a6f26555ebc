import Foundation
import ItineraryPostgres
import ItineraryStore
import Synchronization

/// A PostgreSQL server shared by every test in a test process, for this package's test targets
/// (a target of its own: test support is not API of the store library).
///
/// Uses `ITINERARY_TEST_DATABASE_URL` when set. Otherwise it starts (once per process) an
/// `EmbeddedPostgres` under `.build/itinerary-test-postgres` (or `ITINERARY_TEST_STATE_DIR`),
/// shared by concurrent test processes: each holds a shared lock on a file beside the cluster,
/// and the last one to exit stops the server, so a test run leaves nothing running (the data
/// directory stays, so later runs skip initdb). Tests get isolation from
/// `makeScratchDatabase`, not from the shared server.
public enum SharedTestDatabase {
    /// Scratch databases older than this are dropped when a test process first uses the server.
    static let scratchLifetime: TimeInterval = 24 * 3600
    static let scratchPrefix = "scratch_"

    /// Connection string of the shared server's main database.
    public static func connectionString() throws -> String {
        try server.get().connectionString
    }

    /// The embedded cluster serving the tests; nil when `ITINERARY_TEST_DATABASE_URL` is used.
    /// Do not stop it: other tests, and other test processes, share it.
    public static func embeddedCluster() throws -> EmbeddedPostgres? {
        try server.get().embedded
    }

    /// Creates an empty database on the shared server and returns its connection string.
    /// - Parameter label: a readable hint in the database name (letters, digits, `_`).
    public static func makeScratchDatabase(label: String = "test") throws -> String {
        let base = try connectionString()
        let cleanLabel = String(
            label.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }.prefix(20))
        let random = String(UInt32.random(in: .min ... .max), radix: 16)
        let name = "\(scratchPrefix)\(cleanLabel)_\(Int(Date().timeIntervalSince1970))_\(random)"
        try PostgresConnection(base).execute("CREATE DATABASE \(name)")
        return try ConnectionString.replacingDatabase(in: base, with: name)
    }

    private static let server: Result<(connectionString: String, embedded: EmbeddedPostgres?), any Error> = Result {
        let settings = ItinerarySettings.process
        if let url = settings.testDatabaseURL {
            return (url, nil)
        }
        let directory = stateDirectory(settings: settings)
        // Taken before the start: a process stopping the server as the last user holds it
        // exclusively until the server is down.
        let users = try usersLock(in: directory)
        let cluster = EmbeddedPostgres(stateDirectory: directory)
        try cluster.start()
        user.withLock { $0 = (users, cluster) }
        atexit { SharedTestDatabase.stopIfLastUser() }
        dropExpiredScratchDatabases(cluster.connectionString)
        return (cluster.connectionString, cluster)
    }

    /// This process's shared lock on the users file, and the cluster it started.
    private static let user = Mutex<(lock: FileLock, cluster: EmbeddedPostgres)?>(nil)

    /// Opens the users file beside the cluster and holds it shared, waiting while a last user
    /// stops the server.
    private static func usersLock(in directory: URL) throws -> FileLock {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try FileLock(
            path: directory.appendingPathComponent("test-users.lock").path, mode: .shared, permissions: 0o644)
    }

    /// At exit: stops the server if no other test process holds the users file.
    private static func stopIfLastUser() {
        user.withLock { user in
            guard let user, user.lock.attemptExclusive() else { return }
            try? user.cluster.stop()
        }
    }

    private static func stateDirectory(settings: ItinerarySettings) -> URL {
        if let configured = settings.testStateDirectory {
            return URL(fileURLWithPath: configured, isDirectory: true)
        }
        let executable = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0])
        var directory = executable.deletingLastPathComponent().standardizedFileURL
        while directory.path != "/" {
            if directory.lastPathComponent == ".build" {
                return directory.appendingPathComponent("itinerary-test-postgres", isDirectory: true)
            }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "/tmp/itinerary-test-postgres-\(geteuid())", isDirectory: true)
    }

    /// Keeps a reused server from filling up with databases of past runs; failures are harmless.
    private static func dropExpiredScratchDatabases(_ connectionString: String) {
        guard let connection = try? PostgresConnection(connectionString),
            let result = try? connection.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE $1", .text(scratchPrefix + "%"))
        else { return }
        let cutoff = Date().timeIntervalSince1970 - scratchLifetime
        for row in 0..<result.rowCount {
            guard let name = result.string(row, 0),
                let created = name.split(separator: "_").dropLast().last.flatMap({ TimeInterval(String($0)) }),
                created < cutoff
            else { continue }
            _ = try? connection.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }
}
