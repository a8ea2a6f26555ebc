/// Whether a rate-limited action may happen now.
enum SendDecision: Sendable, Hashable {
    case allowed
    /// Refused; the earliest retry is `retryAfter` seconds from now (always ≥ 1).
    case limited(retryAfter: Int64)
}
