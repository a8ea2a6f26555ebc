import ItineraryPostgres
import ItineraryStore

/// The service's stores, one per concern, each behind the protocol its handlers depend on, so a
/// handler can be tested with an in-memory store of its own concern. ``postgres(pool:sealer:)``
/// gives the real ones (tables of `SQL/0003_lookup.sql`, `0005_service_hardening.sql` and
/// `0008_key_revocations.sql`); the cards come from a ``CardSource``.
struct LookupStores: Sendable {
    var codes: any CodeStore
    var tokens: any TokenStore
    var outbox: any OutboxStore
    var rates: any RateCounterStore
    var nonces: any NonceStore
    var revocations: any KeyRevocationStore
    var maintenance: any StoreMaintenance
    /// Lookup services' consents and reads (`SQL/0011_partners.sql`).
    var partners: any PartnerStore

    /// The PostgreSQL stores over one pool; `sealer` seals what goes into the outbox.
    static func postgres(pool: DatabasePool, sealer: OutboxSealer) -> LookupStores {
        let outbox = PostgresOutboxStore(pool: pool, sealer: sealer)
        return LookupStores(
            codes: PostgresCodeStore(pool: pool, outbox: outbox), tokens: PostgresTokenStore(pool: pool),
            outbox: outbox, rates: PostgresRateCounterStore(pool: pool), nonces: PostgresNonceStore(pool: pool),
            revocations: PostgresKeyRevocationStore(pool: pool), maintenance: PostgresStoreMaintenance(pool: pool),
            partners: PostgresPartnerStore(pool: pool))
    }
}
