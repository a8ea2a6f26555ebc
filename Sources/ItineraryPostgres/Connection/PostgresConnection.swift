import CLibPQ
import Foundation

/// One libpq connection to PostgreSQL.
///
/// Calls block the calling thread until the server answers. The object may be shared between
/// threads: a recursive lock serialises every call, and `transaction` and `copyIn` hold it for
/// their whole body so other threads cannot slip statements into them. For parallel work, open
/// one connection per worker instead.
public final class PostgresConnection: @unchecked Sendable {
    /// Used when neither the connection string nor libpq's defaults (`PGCONNECT_TIMEOUT`) set
    /// one, so an unreachable server fails fast instead of hanging a request.
    public static let defaultConnectTimeoutSeconds = 10

    let lock = NSRecursiveLock()
    let connection: OpaquePointer

    /// Opens a connection.
    ///
    /// - Parameter connectionString: conninfo (`host=/run/pg dbname=x`) or URL
    ///   (`postgresql://user@host/db`). Empty means "use the standard `PG*` environment variables",
    ///   which libpq reads itself: the driver reads no environment.
    public init(_ connectionString: String = "") throws {
        try ConnectionString.validate(connectionString)
        // Entries before `dbname` are defaults: the expanded connection string overrides them.
        var keywords = ["fallback_application_name", "client_encoding"]
        var values = ["itinerary", "UTF8"]
        if ConnectionString.libpqDefault(of: "connect_timeout") == nil {
            keywords.append("connect_timeout")
            values.append(String(Self.defaultConnectTimeoutSeconds))
        }
        keywords.append("dbname")
        values.append(connectionString)

        let connection = Self.withCStringArray(keywords) { keywords in
            Self.withCStringArray(values) { values in
                PQconnectdbParams(keywords, values, 1)
            }
        }
        guard let connection else {
            throw PostgresError(message: "out of memory opening a connection", connectionLost: true)
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw PostgresError(message: message, connectionLost: true)
        }
        // libpq prints NOTICEs (e.g. "table already exists, skipping") to stderr by default.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        self.connection = connection
    }

    deinit { PQfinish(connection) }

    /// Whether the connection is still usable; false after the server went away.
    public var isConnected: Bool {
        lock.withLock { PQstatus(connection) == CONNECTION_OK }
    }

    /// The server version as an integer, e.g. `150004` for 15.4.
    public var serverVersion: Int {
        lock.withLock { Int(PQserverVersion(connection)) }
    }

    /// The process id of the server backend serving this connection.
    public var backendPID: Int32 {
        lock.withLock { PQbackendPID(connection) }
    }

    /// Runs one statement with `$1`, `$2`… parameters and returns its rows.
    @discardableResult
    public func execute(_ sql: String, _ parameters: PostgresValue?...) throws -> PostgresResult {
        try execute(sql, parameters: parameters)
    }

    /// Runs one statement with `$1`, `$2`… parameters and returns its rows in the chosen format.
    @discardableResult
    public func execute(
        _ sql: String, parameters: [PostgresValue?], resultFormat: PostgresFormat = .text
    ) throws -> PostgresResult {
        let buffer = try ParameterBuffer(parameters)
        return try lock.withLock {
            try check(
                buffer.withPointers { types, values, lengths, formats in
                    PQexecParams(connection, sql, buffer.count, types, values, lengths, formats, resultFormat.rawValue)
                })
        }
    }

    /// Runs a script of several `;`-separated statements without parameters (simple query
    /// protocol), such as a migration file. Returns the result of the last statement.
    @discardableResult
    public func executeScript(_ sql: String) throws -> PostgresResult {
        try lock.withLock { try check(PQexec(connection, sql)) }
    }

    /// Prepares a named statement on this connection for `executePrepared`.
    public func prepare(name: String, sql: String) throws {
        try lock.withLock { _ = try check(PQprepare(connection, name, sql, 0, nil)) }
    }

    /// Runs a statement prepared with `prepare(name:sql:)`.
    @discardableResult
    public func executePrepared(name: String, _ parameters: PostgresValue?...) throws -> PostgresResult {
        try executePrepared(name: name, parameters: parameters)
    }

    /// Runs a statement prepared with `prepare(name:sql:)`, returning rows in the chosen format.
    @discardableResult
    public func executePrepared(
        name: String, parameters: [PostgresValue?], resultFormat: PostgresFormat = .text
    ) throws -> PostgresResult {
        let buffer = try ParameterBuffer(parameters)
        return try lock.withLock {
            try check(
                buffer.withPointers { _, values, lengths, formats in
                    PQexecPrepared(connection, name, buffer.count, values, lengths, formats, resultFormat.rawValue)
                })
        }
    }

    /// Turns a libpq result into a `PostgresResult`, or into an error (freeing it).
    func check(_ result: OpaquePointer?) throws -> PostgresResult {
        guard let result else { throw connectionError() }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PostgresResult(result)
        case PGRES_COPY_IN, PGRES_COPY_OUT:
            // Leave COPY mode at once, or every later statement on this connection would fail.
            PQclear(result)
            _ = PQputCopyEnd(connection, "COPY must be run with copyIn")
            _ = try? finishCopy()
            throw PostgresError(message: "COPY statements must be run with copyIn(sql:_:)")
        default:
            defer { PQclear(result) }
            throw error(from: result)
        }
    }

    /// The error carried by a failed result.
    func error(from result: OpaquePointer) -> PostgresError {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        // Swift does not import libpq's character-literal macros (PG_DIAG_SQLSTATE is 'C').
        let message = field(Int32(UInt8(ascii: "M"))) ?? Self.trimmed(PQresultErrorMessage(result))
        return PostgresError(
            sqlState: field(Int32(UInt8(ascii: "C"))),
            message: message.isEmpty ? Self.trimmed(PQerrorMessage(connection)) : message,
            detail: field(Int32(UInt8(ascii: "D"))),
            connectionLost: PQstatus(connection) == CONNECTION_BAD
        )
    }

    /// The connection's last error, when libpq returned no result at all.
    func connectionError() -> PostgresError {
        PostgresError(
            message: Self.trimmed(PQerrorMessage(connection)), connectionLost: PQstatus(connection) == CONNECTION_BAD)
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown libpq error" }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Passes a NULL-terminated `char *[]` to `body`.
    private static func withCStringArray<R>(
        _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R
    ) -> R {
        let duplicates = strings.map { UnsafePointer(strdup($0)) } + [nil]
        defer { duplicates.forEach { free(UnsafeMutableRawPointer(mutating: $0)) } }
        return duplicates.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
