import ItineraryCore
@testable import ItineraryService

/// ``StoreMaintenance`` over the in-memory stores: always reachable; the purge deletes what
/// PostgreSQL's does.
struct InMemoryStoreMaintenance: StoreMaintenance {
    let codes: InMemoryCodeStore
    let tokens: InMemoryTokenStore
    let rates: InMemoryRateCounterStore
    let nonces: InMemoryNonceStore

    func ping() async throws {}

    /// The outbox keeps every message (its retention is not a rule the unit tests check).
    func purgeExpired(now: Int64, policy: OTPPolicy, outboxRetention: Duration) async throws {
        codes.purge(codesBefore: now - 3600, sendsBefore: now - policy.dailyWindow.inWholeSeconds)
        tokens.purge(expiredBefore: now - 3600)
        rates.purge(windowsBefore: now - 86_400)
        nonces.purge(now: now)
    }
}
