import Foundation
import ItineraryCore
import ItineraryStore
import Synchronization

/// Cards from the pipeline's store, computed at request time on the service's own connections:
/// one query per card (the phone's committed state); the data time and the risk list in force
/// are re-read at most once a second, and at once with every new ``version()``.
public struct StoreCardSource: CardSource {
    /// Which "now" a card is evaluated at.
    public enum CardClock: String, Sendable, CaseIterable {
        /// The request time: a live service.
        case wall
        /// The newest event time in the store when that is earlier than the request time: a
        /// replay of old feeds (the 2022 samples of the demo) still shows its cards.
        case data
    }

    private let pool: DatabasePool
    private let cards: CardStore
    private let clock: CardClock
    private let dataTime = DataTimeCache()

    /// - Parameter pool: the process's pool, shared with the service's own state.
    public init(pool: DatabasePool, configuration: RuleConfiguration, clock: CardClock = .wall) {
        self.pool = pool
        // Cards are computed only when the version changed (or they aged): the risk list they
        // use must be the one in force then, not one remembered from before.
        cards = CardStore(configuration: configuration, riskRefreshInterval: .zero)
        self.clock = clock
    }

    public func card(forPhoneKey key: PhoneKey, phone: Phone, at time: Int64) async throws -> Card? {
        var evaluated = time
        if clock == .data, let dataTime = try await dataWatermark() { evaluated = min(time, dataTime) }
        let (cards, at) = (cards, evaluated)
        return try await pool.run { try cards.card(for: key, at: at, on: $0) }
    }

    public func version() async throws -> CardSourceVersion? {
        let cards = cards
        let (stamp, dataTime) = try await pool.run { try cards.changeStamp(on: $0) }
        self.dataTime.store(dataTime)
        return CardSourceVersion(stamp)
    }

    public func dataWatermark() async throws -> Int64? {
        if let fresh = dataTime.fresh() { return fresh }
        let cards = cards
        let value = try await pool.run { try cards.dataTime(on: $0) }
        dataTime.store(value)
        return value
    }
}

/// The store's data time, remembered for a second.
private final class DataTimeCache: Sendable {
    private let state = Mutex<(value: Int64?, fetched: ContinuousClock.Instant)?>(nil)

    /// The remembered value if fetched within the last second (`.some(nil)`: no data yet).
    func fresh() -> Int64?? {
        state.withLock { state in
            guard let state, ContinuousClock.now - state.fetched < .seconds(1) else { return nil }
            return .some(state.value)
        }
    }

    func store(_ value: Int64?) {
        state.withLock { $0 = (value, ContinuousClock.now) }
    }
}
