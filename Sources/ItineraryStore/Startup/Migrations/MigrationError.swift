/// A problem with the migration files themselves (not with running them).
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and where.
    public let message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { "migrations: \(message)" }
}
