import Synchronization

@testable import ItineraryService

/// ``RateCounterStore`` in memory: one counter per scope, subject and window, as `rate_counters`.
final class InMemoryRateCounterStore: RateCounterStore {
    private struct Key: Hashable {
        var scope: String
        var subject: String
        var windowStart: Int64
    }

    private let hits = Mutex<[Key: Int]>([:])

    func hit(scope: String, subject: String, limit: FixedWindowLimit, now: Int64) async throws -> SendDecision {
        let key = Key(scope: scope, subject: subject, windowStart: limit.windowStart(now))
        let count = hits.withLock { hits in
            hits[key, default: 0] += 1
            return hits[key, default: 0]
        }
        return limit.decide(hits: count, now: now)
    }

    /// Deletes counters of windows that started before `before`.
    func purge(windowsBefore before: Int64) {
        hits.withLock { $0 = $0.filter { $0.key.windowStart >= before } }
    }
}
