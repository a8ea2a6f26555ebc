/// The database could not serve a request in time: unreachable, restarting, or every
/// connection busy past the deadline. Answered as 503 `service_unavailable`.
public struct DatabaseUnavailable: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { "database unavailable: \(reason)" }
}
