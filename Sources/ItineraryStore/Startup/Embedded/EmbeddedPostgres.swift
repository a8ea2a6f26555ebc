import Foundation
import ItineraryPostgres
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private PostgreSQL cluster under a state directory, run with the installed server's
/// `initdb` and `pg_ctl`: the default store when no database is configured.
///
/// Layout: `<state>/postgres/data` (the cluster), `<state>/postgres/postgres.log` (server log) and
/// `<state>/postgres/run` (the Unix socket; a short owner-only `/tmp/itinerary-pg-<hash>` instead
/// when that path would exceed the 107-byte socket limit). The server listens on no TCP port, and
/// every directory is owner-only, which is what makes `trust` authentication on the socket safe.
///
/// Run as root, the cluster belongs to the `postgres` system user (PostgreSQL refuses to run as
/// root): `<state>/postgres` is owned by it and the state directory is left traversable (0711).
public final class EmbeddedPostgres: Sendable {
    /// The database the program uses, created on first start.
    public static let databaseName = "itinerary"
    /// The cluster's superuser.
    public static let userName = "itinerary"
    /// Only names the socket file: the cluster listens on no TCP port.
    static let port = 5432
    /// `sun_path` holds 108 bytes including the terminating NUL.
    static let maxSocketPathBytes = 107

    /// The directory given at creation.
    public let stateDirectory: URL
    /// The PostgreSQL data directory (`PGDATA`).
    public let dataDirectory: URL
    /// The server log.
    public let logFile: URL
    /// The directory holding the server's Unix socket.
    public let socketDirectory: URL
    private let clusterDirectory: URL
    /// Where the server's programs are looked for (`ITINERARY_PG_BINDIR`, `PATH`).
    private let settings: ItinerarySettings
    private let logger: Logger

    /// Describes the cluster under `stateDirectory`; nothing is touched until `start()`.
    public init(
        stateDirectory: URL, settings: ItinerarySettings = .process,
        logger: Logger = Logger(label: "itinerary.embedded-postgres")
    ) {
        self.stateDirectory = stateDirectory.standardizedFileURL
        self.clusterDirectory = self.stateDirectory.appendingPathComponent("postgres", isDirectory: true)
        self.dataDirectory = clusterDirectory.appendingPathComponent("data", isDirectory: true)
        self.logFile = clusterDirectory.appendingPathComponent("postgres.log")
        self.socketDirectory = Self.socketDirectory(for: clusterDirectory)
        self.settings = settings
        self.logger = logger
    }

    /// libpq connection string for the `itinerary` database over the private socket.
    public var connectionString: String {
        ConnectionString.make([
            "host": socketDirectory.path, "port": String(Self.port),
            "dbname": Self.databaseName, "user": Self.userName,
        ])
    }

    /// Whether the cluster has been created (it may be stopped).
    public var exists: Bool {
        FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path)
    }

    /// Creates the cluster if needed, starts it unless it is already running, and creates the
    /// `itinerary` database. Safe to call repeatedly and from several processes at once.
    public func start() throws {
        let account = try ClusterAccount.current()
        let binaries = try PostgresBinaries.locate(settings: settings)
        let runner = CommandRunner(user: account.switchTo)
        try prepareStateDirectory(for: account)
        try FileLock.withExclusiveLock(at: lockPath) {
            try prepareOwnedDirectory(clusterDirectory, for: account)
            try checkReachable(by: runner)
            try prepareSocketDirectory(for: account)
            if !exists {
                try initialize(binaries, runner)
            }
            if try isRunning(binaries, runner) {
                logger.debug("reusing running embedded PostgreSQL", metadata: ["data": "\(dataDirectory.path)"])
            } else {
                try launch(binaries, runner)
            }
            try createDatabaseIfNeeded()
        }
    }

    /// Stops the server (fast shutdown: open transactions are rolled back). No-op when not running.
    public func stop() throws {
        let binaries = try PostgresBinaries.locate(settings: settings)
        let runner = CommandRunner(user: try ClusterAccount.current().switchTo)
        guard FileManager.default.fileExists(atPath: stateDirectory.path) else { return }
        try FileLock.withExclusiveLock(at: lockPath) {
            guard try isRunning(binaries, runner) else { return }
            try runner.runChecked(
                binaries.pgCtl, ["stop", "-D", dataDirectory.path, "-m", "fast", "-w", "-t", "60"], in: clusterDirectory
            )
            logger.info("stopped embedded PostgreSQL", metadata: ["data": "\(dataDirectory.path)"])
        }
    }

    /// Whether the cluster's server is running (`pg_ctl status`).
    public func isRunning() throws -> Bool {
        guard FileManager.default.fileExists(atPath: dataDirectory.path) else { return false }
        return try isRunning(
            try PostgresBinaries.locate(settings: settings), CommandRunner(user: try ClusterAccount.current().switchTo))
    }

    private var lockPath: String { stateDirectory.appendingPathComponent("postgres.lock").path }

    // MARK: Steps of start()

    private func initialize(_ binaries: PostgresBinaries, _ runner: CommandRunner) throws {
        // initdb into a staging directory renamed at the end, so an interrupted initdb never
        // leaves a half-made cluster that looks complete.
        let staging = clusterDirectory.appendingPathComponent("data.initdb", isDirectory: true)
        try? FileManager.default.removeItem(at: staging)
        logger.info("creating embedded PostgreSQL cluster", metadata: ["data": "\(dataDirectory.path)"])
        try runner.runChecked(
            binaries.initdb,
            [
                "-D", staging.path, "-U", Self.userName, "-E", "UTF8", "--locale=C",
                "--auth-local=trust", "--auth-host=reject",
            ],
            in: clusterDirectory
        )
        try FileManager.default.moveItem(at: staging, to: dataDirectory)
    }

    private func isRunning(_ binaries: PostgresBinaries, _ runner: CommandRunner) throws -> Bool {
        let outcome = try runner.run(binaries.pgCtl, ["status", "-D", dataDirectory.path], in: clusterDirectory)
        switch outcome.status {
        case 0: return true
        case 3, 4: return false  // not running; no such data directory
        default: throw EmbeddedPostgresError("pg_ctl status failed with status \(outcome.status):\n\(outcome.output)")
        }
    }

    private func launch(_ binaries: PostgresBinaries, _ runner: CommandRunner) throws {
        // pg_ctl hands -o to a shell, so the socket path is single-quoted.
        guard !socketDirectory.path.contains("'") else {
            throw EmbeddedPostgresError("the state directory path must not contain a single quote")
        }
        let options = [
            "-k '\(socketDirectory.path)'", "-p \(Self.port)", "-c listen_addresses=''",
            "-c unix_socket_permissions=0700", "-c fsync=on",
        ].joined(separator: " ")
        let outcome = try runner.run(
            binaries.pgCtl,
            ["start", "-D", dataDirectory.path, "-l", logFile.path, "-o", options, "-w", "-t", "60"],
            in: clusterDirectory
        )
        guard outcome.status == 0 else {
            throw EmbeddedPostgresError(
                "pg_ctl start failed with status \(outcome.status):\n\(outcome.output)\n"
                    + "last lines of \(logFile.path):\n\(logTail())"
            )
        }
        logger.info("started embedded PostgreSQL", metadata: ["socket": "\(socketDirectory.path)"])
    }

    private func createDatabaseIfNeeded() throws {
        let admin = try PostgresConnection(
            ConnectionString.make([
                "host": socketDirectory.path, "port": String(Self.port), "dbname": "postgres", "user": Self.userName,
            ]))
        let existing = try admin.execute("SELECT 1 FROM pg_database WHERE datname = $1", .text(Self.databaseName))
        if existing.rowCount == 0 {
            try admin.execute("CREATE DATABASE \(Self.databaseName)")
        }
    }

    private func logTail(lines: Int = 20) -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? "(log unreadable)"
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    // MARK: Directories and permissions

    private func prepareStateDirectory(for account: ClusterAccount) throws {
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        // Under root the postgres account must be able to pass through to its own directory.
        try Self.setMode(account.switchTo == nil ? 0o700 : 0o711, of: stateDirectory.path)
    }

    private func prepareOwnedDirectory(_ directory: URL, for account: ClusterAccount) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if account.switchTo != nil, chown(directory.path, account.uid, account.gid) != 0 {
            throw EmbeddedPostgresError("cannot give \(directory.path) to the postgres user: \(Self.lastError)")
        }
        try Self.setMode(0o700, of: directory.path)
    }

    /// Catches a state directory inside a private tree (such as /root) before initdb fails obscurely.
    private func checkReachable(by runner: CommandRunner) throws {
        guard let user = runner.user else { return }
        let test = ["/usr/bin/test", "/bin/test"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "test"
        let outcome = try runner.run(test, ["-w", clusterDirectory.path], in: URL(fileURLWithPath: "/"))
        guard outcome.status == 0 else {
            throw EmbeddedPostgresError(
                "the cluster must run as '\(user)' (PostgreSQL refuses root), but '\(user)' cannot reach "
                    + "\(clusterDirectory.path): a parent directory is private. Use a state directory such as "
                    + "/var/lib/itinerary, or set DATABASE_URL"
            )
        }
    }

    private func prepareSocketDirectory(for account: ClusterAccount) throws {
        guard !socketDirectory.path.hasPrefix(clusterDirectory.path + "/") else {
            return try prepareOwnedDirectory(socketDirectory, for: account)
        }
        // A shared /tmp: create it ourselves, or accept it only if it is already the cluster's own.
        let path = socketDirectory.path
        if mkdir(path, 0o700) == 0 {
            return try prepareOwnedDirectory(socketDirectory, for: account)
        }
        guard errno == EEXIST else { throw EmbeddedPostgresError("cannot create \(path): \(Self.lastError)") }
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR,
            info.st_uid == account.uid || (info.st_uid == geteuid() && account.switchTo != nil)
        else {
            throw EmbeddedPostgresError("\(path) exists but is not a directory owned by the cluster's user; remove it")
        }
        try prepareOwnedDirectory(socketDirectory, for: account)
    }

    /// `<cluster>/run` when the socket path fits, else a short per-cluster directory under /tmp.
    static func socketDirectory(for clusterDirectory: URL) -> URL {
        let preferred = clusterDirectory.appendingPathComponent("run", isDirectory: true)
        if (preferred.path + "/.s.PGSQL.\(port)").utf8.count <= maxSocketPathBytes { return preferred }
        // FNV-1a: a stable name for the same cluster across runs, no cryptographic need.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in clusterDirectory.path.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return URL(
            fileURLWithPath: "/tmp/itinerary-pg-" + String(repeating: "0", count: 16 - hex.count) + hex,
            isDirectory: true)
    }

    private static func setMode(_ mode: mode_t, of path: String) throws {
        guard chmod(path, mode) == 0 else {
            throw EmbeddedPostgresError("cannot set permissions of \(path): \(lastError)")
        }
    }

    private static var lastError: String { String(cString: strerror(errno)) }
}
