import Foundation
import ItineraryCore
import ItineraryStore
import Synchronization

/// Cards from the pipeline's store, computed at request time on the service's own connections:
/// one query per card (the phone's committed state); the data time and the risk list in force
/// are re-read at most once a second, and at once with every new ``version()``.
public struct StoreCardSource: CardSource {
    private let pool: DatabasePool
    private let cards: CardStore
    private let dataTime = DataTimeCache()

    /// - Parameter pool: the process's pool, shared with the service's own state.
    public init(pool: DatabasePool, configuration: RuleConfiguration) {
        self.pool = pool
        // Cards are computed only when the version changed (or they aged): the risk list they
        // use must be the one in force then, not one remembered from before.
        cards = CardStore(configuration: configuration, riskRefreshInterval: .zero)
    }

    /// The phone's card, `nil` when the store holds nothing for it (``CardStore/knownCard(for:at:on:)``).
    public func card(forPhoneKey key: PhoneKey, phone: Phone, at time: Int64) async throws -> Card? {
        let cards = cards
        return try await pool.run { try cards.knownCard(for: key, at: time, on: $0) }
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
