import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryStore

extension Workspace {
    /// An ingest pipeline on its own connection, holding the store's writer lock, resumed from
    /// what the store has committed.
    /// `workers` threads parse and apply files (see `FeedApplier`).
    /// - Throws: `MissingCellsError` when no cell table is loaded (every mainland record would
    ///   be rejected), `CoordinatorTakesNoFeedsError` on a sharded store's coordinator,
    ///   `WriterLockError` when another process writes and `lock` is `.fail`,
    ///   `RuleSettingsError` when `rules` differ from the settings the store was built with.
    public func pipeline(
        rules overrides: RuleOverrides, limits: FeedLimits = .standard, lock: WriterLockPolicy = .fail,
        clock: any WallClock = SystemClock(), workers: Int = 1
    ) throws -> IngestPipeline {
        let connection = try connect()
        guard try !ShardCoordinator.isCoordinator(connection) else { throw CoordinatorTakesNoFeedsError() }
        guard try ReferenceStore(connection: connection).currentLoad(.cells) != nil else { throw MissingCellsError() }
        let configuration = try ruleConfiguration(overrides, recording: true)
        return try IngestPipeline(
            connect: connect, reader: try reader(connection: connection), keyer: keyer,
            rules: try rules(configuration, connection: connection), contacts: try contacts(connection: connection),
            limits: limits, lock: lock, clock: clock, logger: logger, workers: workers)
    }

    /// A pipeline under exactly `configuration` (see `pipeline(rules:…)`).
    public func pipeline(
        configuration: RuleConfiguration, limits: FeedLimits = .standard, lock: WriterLockPolicy = .fail,
        clock: any WallClock = SystemClock(), workers: Int = 1
    ) throws -> IngestPipeline {
        try pipeline(
            rules: RuleOverrides(configuration), limits: limits, lock: lock, clock: clock, workers: workers)
    }
}

/// A sharded store's coordinator holds no phones of its own: feeds go to the shards.
public struct CoordinatorTakesNoFeedsError: Error, CustomStringConvertible {
    public var description: String {
        "this database is the coordinator of a sharded store: `split` the feeds and apply them to each shard's own database"
    }
}

/// Feeds cannot be applied before a cell table is loaded.
public struct MissingCellsError: Error, CustomStringConvertible {
    public var description: String {
        "no cell table is loaded: run `itinerary cells load FILE` first (without it every mainland record would be rejected)"
    }
}
