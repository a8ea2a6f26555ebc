import ItineraryPostgres
import ItineraryStore

/// ``RateCounterStore`` in PostgreSQL: one upsert per hit.
struct PostgresRateCounterStore: RateCounterStore {
    let pool: DatabasePool

    func hit(scope: String, subject: String, limit: FixedWindowLimit, now: Int64) async throws -> SendDecision {
        let window = limit.windowStart(now)
        let hits = try await pool.run { connection in
            try connection.execute(
                """
                INSERT INTO rate_counters (scope, subject, window_start, hits) VALUES ($1, $2, $3::int8, 1)
                ON CONFLICT (scope, subject, window_start) DO UPDATE SET hits = rate_counters.hits + 1
                RETURNING hits
                """,
                .text(scope), .text(subject), .int(window)
            ).decode(Int.self, 0, 0)
        }
        return limit.decide(hits: hits, now: now)
    }
}
