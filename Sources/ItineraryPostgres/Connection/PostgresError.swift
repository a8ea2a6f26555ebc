/// An error reported by PostgreSQL or by libpq.
///
/// `isConnectionFailure` tells callers that the database is unreachable rather than that the
/// request was wrong, so an HTTP layer can answer 503 and a worker can reconnect and retry.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// The five-character SQLSTATE code (`PG_DIAG_SQLSTATE`), when the server sent one.
    public let sqlState: String?
    /// The primary human-readable message.
    public let message: String
    /// The server's optional detail line (for example which key collided).
    public let detail: String?
    /// True when the connection is gone or the server is shutting down or starting up.
    public let isConnectionFailure: Bool

    /// Creates an error; `isConnectionFailure` is derived from the SQLSTATE unless forced.
    public init(sqlState: String? = nil, message: String, detail: String? = nil, connectionLost: Bool = false) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.isConnectionFailure = connectionLost || Self.isConnectionFailureState(sqlState)
    }

    /// `23505`: a unique or primary-key constraint rejected the row.
    public var isUniqueViolation: Bool { sqlState == "23505" }

    /// `40001`/`40P01`: the transaction lost a serialization race or a deadlock and may be retried.
    public var isTransient: Bool { sqlState == "40001" || sqlState == "40P01" }

    /// Classes 22 (data exception), 23 (integrity) and 54 (program limit): the server refuses
    /// these values, so sending them again cannot succeed.
    public var isDataError: Bool {
        guard let sqlState else { return false }
        return ["22", "23", "54"].contains(sqlState.prefix(2))
    }

    public var description: String {
        var text = sqlState.map { "PostgreSQL error \($0): \(message)" } ?? "PostgreSQL error: \(message)"
        if let detail { text += " (\(detail))" }
        return text
    }

    /// Class 08 is "connection exception"; 57P01-03 are admin/crash shutdown and "cannot connect now".
    static func isConnectionFailureState(_ sqlState: String?) -> Bool {
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }
}
