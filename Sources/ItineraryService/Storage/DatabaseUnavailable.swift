/// The database could not serve a request in time: unreachable, restarting, or every
/// connection busy past the deadline. Answered as 503 `service_unavailable`.
struct DatabaseUnavailable: Error, CustomStringConvertible {
    var reason: String
    var description: String { "database unavailable: \(reason)" }
}
