/// A counter limit over fixed windows (`limit` hits per `length` seconds), e.g. 20 code
/// requests per client address per minute. The store keeps one counter row per window.
struct FixedWindowLimit: Sendable, Hashable {
    var limit: Int
    var length: Int64

    /// The window that `now` falls in.
    func windowStart(_ now: Int64) -> Int64 {
        now >= 0 ? now / length * length : ((now + 1) / length - 1) * length
    }

    /// The decision once the counter of `now`'s window has reached `hits` (this hit included).
    func decide(hits: Int, now: Int64) -> SendDecision {
        hits <= limit ? .allowed : .limited(retryAfter: max(1, windowStart(now) + length - now))
    }
}
