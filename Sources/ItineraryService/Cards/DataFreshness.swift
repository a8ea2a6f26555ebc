import ItineraryCore

/// The store's data time against the service clock at one moment: the time cards are
/// evaluated at and whether they are stale.
struct DataFreshness: Sendable, Hashable {
    /// The newest accepted event time, `nil` when the store has accepted none.
    var dataTime: Int64?
    var now: Int64
    var clock: CardClock
    /// The longest lag (seconds) before cards are stale, on the wall clock.
    var maxLag: Int64

    /// The time a no-data card is at: the data time, or now when the clock is behind it or there
    /// is no data (a stored card is at the data time, `Card.at`).
    var cardTime: Int64 { min(now, dataTime ?? now) }

    /// How far the data time lags the clock (seconds); `nil` without data.
    var lag: Int64? { dataTime.map { now - $0 } }

    /// Whether cards must be marked stale: on the wall clock, when the lag passes the bound or
    /// the store has no data time at all.
    var isStale: Bool {
        guard clock == .wall else { return false }
        guard let lag else { return true }
        return lag > maxLag
    }

    /// Why cards are stale, for `/readyz`; `nil` when they are not.
    var staleReason: String? {
        guard isStale else { return nil }
        guard let dataTime, let lag else { return "the store has accepted no data yet" }
        return "the newest data is from \(UTCTimestamp.format(dataTime)), \(Self.duration(lag)) behind the clock "
            + "(bound \(Self.duration(maxLag)), --max-data-lag): cards are gray and stale"
    }

    /// `7h12m`, `45m`, `30s`.
    static func duration(_ seconds: Int64) -> String {
        let hours = seconds / 3600, minutes = seconds % 3600 / 60
        if hours > 0 { return minutes > 0 ? "\(hours)h\(minutes)m" : "\(hours)h" }
        return minutes > 0 ? "\(minutes)m" : "\(seconds)s"
    }
}
