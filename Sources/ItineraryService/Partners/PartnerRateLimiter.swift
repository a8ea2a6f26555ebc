import Synchronization

/// A token bucket per partner, in memory: `rate` requests a second on average, bursts of up to
/// `rate`. Partners are limited by who they are, not by their address (one platform relays many
/// people from a few addresses); several instances each allow the rate.
final class PartnerRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let buckets = Mutex<[String: Bucket]>([:])

    /// Takes one token from `clientID`'s bucket; `nil` when allowed, else the seconds until a
    /// token is there (at least 1, for `Retry-After`).
    func take(_ clientID: String, rate: Int, now: ContinuousClock.Instant = .now) -> Int64? {
        let rate = Double(max(1, rate))
        return buckets.withLock { buckets in
            var bucket = buckets[clientID] ?? Bucket(tokens: rate, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(rate, bucket.tokens + max(0, seconds) * rate)
            bucket.updated = now
            defer { buckets[clientID] = bucket }
            guard bucket.tokens >= 1 else { return max(1, Int64(((1 - bucket.tokens) / rate).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
    }
}
