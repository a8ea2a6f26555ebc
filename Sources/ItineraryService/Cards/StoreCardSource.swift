import ItineraryCore
import ItineraryStore

/// Cards from the pipeline's store, computed at request time on the service's own connections.
public struct StoreCardSource: CardSource {
    /// Which "now" a card is evaluated at.
    public enum CardClock: Sendable {
        /// The request time: a live service.
        case wall
        /// The newest event time in the store when that is earlier than the request time: a
        /// replay of old feeds (the 2022 samples of the demo) still shows its cards.
        case data
    }

    private let pool: DatabasePool
    private let cards: CardStore
    private let clock: CardClock

    public init(connectionString: String, configuration: RuleConfiguration, clock: CardClock = .wall, poolSize: Int = 2) {
        pool = DatabasePool(connectionString: connectionString, size: poolSize, deadline: .seconds(3))
        cards = CardStore(configuration: configuration)
        self.clock = clock
    }

    public func card(forPhoneKey key: PhoneKey, phone: Phone, at time: Int64) async throws -> Card? {
        let cards = cards
        let clock = clock
        return try await pool.run { connection in
            var evaluated = time
            if clock == .data, let dataTime = try cards.dataTime(on: connection) { evaluated = min(time, dataTime) }
            return try cards.card(for: key, at: evaluated, on: connection)
        }
    }

    public func dataWatermark() async throws -> Int64? {
        let cards = cards
        return try await pool.run { try cards.dataTime(on: $0) }
    }
}
