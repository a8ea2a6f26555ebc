import Foundation
import ItineraryCore
import ItineraryStore

extension Workspace {
    /// An ingest pipeline on its own connection, resumed from what the store has committed.
    public func pipeline(configuration: RuleConfiguration, clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) throws -> IngestPipeline {
        let connection = try connect()
        return try IngestPipeline(
            connect: connect, reader: try reader(connection: connection), keyer: keyer,
            rules: try rules(configuration, connection: connection), contacts: try contacts(connection: connection),
            clock: clock, logger: logger)
    }
}
