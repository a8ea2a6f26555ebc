import Foundation
import ItineraryPostgres
import ItineraryStore

/// How the writer names itself to a second one: the holder of the writer lock records its
/// command, process id and host as its session's `application_name`, so the one refused names
/// the `itinerary` process to stop, not a PostgreSQL backend.
public enum WriterIdentity {
    /// `itinerary ingest, pid 4242 on feed-host` (PostgreSQL keeps 63 bytes of it).
    public static let current: String = {
        let arguments = CommandLine.arguments
        var command = URL(fileURLWithPath: arguments.first ?? "itinerary").lastPathComponent
        if arguments.count > 1, !arguments[1].hasPrefix("-") { command += " " + arguments[1] }
        var host = [CChar](repeating: 0, count: 256)
        let hostName =
            gethostname(&host, host.count - 1) == 0
            ? String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown host"
        return "\(command), pid \(getpid()) on \(hostName)"
    }()

    /// Records ``current`` on the session that holds the lock.
    public static func record(on connection: PostgresConnection) throws {
        try connection.execute("SELECT set_config('application_name', $1, false)", .text(current))
    }
}
