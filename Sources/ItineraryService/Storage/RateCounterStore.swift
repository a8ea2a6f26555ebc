/// Fixed-window hit counters shared by every instance (`rate_counters`): per-client limits and
/// the service-wide SMS budget.
protocol RateCounterStore: Sendable {
    /// Counts one hit of `subject` in the current window of `limit` and decides.
    func hit(scope: String, subject: String, limit: FixedWindowLimit, now: Int64) async throws -> SendDecision
}
