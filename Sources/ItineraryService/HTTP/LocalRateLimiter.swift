import Synchronization

/// Fixed-window counters kept in this process, for the hot read path (card re-reads by token):
/// a database write per look-up would cost a commit each. Limits that guard SMS sends and code
/// checks stay in PostgreSQL, shared by every instance.
final class LocalRateLimiter: Sendable {
    private struct Counter {
        var window: Int64
        var hits: Int
    }

    private let counters = Mutex<[String: Counter]>([:])
    private let limit: FixedWindowLimit
    /// Beyond this many subjects, counters of past windows are dropped.
    private let pruneThreshold: Int

    init(limit: FixedWindowLimit, pruneThreshold: Int = 100_000) {
        self.limit = limit
        self.pruneThreshold = pruneThreshold
    }

    /// Counts a hit of `subject` at `now`.
    func hit(_ subject: String, now: Int64) -> SendDecision {
        let window = limit.windowStart(now)
        let hits = counters.withLock { counters in
            if counters.count > pruneThreshold { counters = counters.filter { $0.value.window == window } }
            var counter = counters[subject, default: Counter(window: window, hits: 0)]
            if counter.window != window { counter = Counter(window: window, hits: 0) }
            counter.hits += 1
            counters[subject] = counter
            return counter.hits
        }
        return limit.decide(hits: hits, now: now)
    }
}
