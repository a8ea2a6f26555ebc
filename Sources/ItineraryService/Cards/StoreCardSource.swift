import ItineraryCore
import ItineraryPostgres
import ItineraryStore

/// Cards from the pipeline's store: the stored current card of each phone (``StoredCards``, what
/// `itinerary_card` returns to any SQL reader), one query per card on the service's own
/// connections. The service computes no card and never reads engine state, so the card it shows
/// is the one `itinerary card` prints and SQL returns. The data time is re-read at most once a
/// second, and at once with every new ``version()``.
public struct StoreCardSource: CardSource {
    private let pool: DatabasePool
    /// The data time as last read (`.some(nil)`: no data yet).
    private let dataTime = RecentValue<Int64?>(lifetime: .seconds(1))

    /// - Parameter pool: the process's pool, shared with the service's own state.
    public init(pool: DatabasePool) {
        self.pool = pool
    }

    public func card(forPhoneKey key: PhoneKey, phone: Phone) async throws -> Card? {
        try await pool.run { try StoredCards.card(for: key, on: $0) }
    }

    public func version() async throws -> CardSourceVersion? {
        let (stamp, dataTime) = try await pool.run { try StoredCards.changeStamp(on: $0) }
        self.dataTime.store(dataTime)
        return CardSourceVersion(stamp)
    }

    public func dataWatermark() async throws -> Int64? {
        if let fresh = dataTime.fresh { return fresh }
        let value = try await pool.run { try StoredCards.dataTime(on: $0) }
        dataTime.store(value)
        return value
    }
}
