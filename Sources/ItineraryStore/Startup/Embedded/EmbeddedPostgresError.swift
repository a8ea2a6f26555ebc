/// Why the embedded PostgreSQL cluster could not be prepared, started or stopped.
public struct EmbeddedPostgresError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, including the failing command's output when there is one.
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "embedded PostgreSQL: \(message)" }
}
