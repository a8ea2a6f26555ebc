import Foundation
import Hummingbird
import ItineraryCore
import ItineraryStore
import Logging

/// The endpoints' shared dependencies; one extension file per endpoint group.
struct LookupService: Sendable {
    let configuration: ServiceConfiguration
    /// The storage of each concern (``LookupStores``); the cards come from `cardSource`.
    let stores: LookupStores
    let cardSource: any CardSource
    let places: PlaceDirectory
    let clock: any WallClock
    let hasher: SecretHasher
    /// The signer and the keys codes verify with, withdrawals included.
    let keys: AttestationKeyRing
    let metrics: ServiceMetrics
    let logger: Logger
    /// Card re-reads per client address, counted in memory (the hot path).
    let cardReads: LocalRateLimiter
    let tokens = TokenCache()
    let cards: CardCache
    /// Lookup services (docs/partner-api.md): who they are, as last read, and their request rates.
    let partners = PartnerDirectory()
    let partnerLimiter = PartnerRateLimiter()

    /// The client address rate limits and tokens are tied to: the socket peer, or the address
    /// a trusted proxy forwarded for.
    func client(of request: Request, context: LookupRequestContext) -> String {
        configuration.trustedProxies.client(
            peer: context.peerAddress, forwardedFor: request.headers[values: .xForwardedFor])
    }

    /// Parses a phone number as typed (``Phone/parse(typed:)``); the error names the fault.
    func phone(_ text: String?) throws -> Phone {
        guard let text else { throw APIError.invalidPhone(.empty) }
        switch Phone.parse(typed: text) {
        case .success(let phone): return phone
        case .failure(let problem): throw APIError.invalidPhone(problem)
        }
    }

    /// Counts a hit of `client` in `scope`; 429 when over `perMinute`.
    func limitClient(_ client: String, scope: String, perMinute: Int, now: Int64) async throws {
        let decision = try await stores.rates.hit(
            scope: scope, subject: client, limit: FixedWindowLimit(limit: perMinute, length: 60), now: now)
        if case .limited(let retryAfter) = decision {
            throw APIError.rateLimited(retryAfter, "too many requests from this address; retry in \(retryAfter) s")
        }
    }

    /// Counts one SMS against the service-wide budget; 429 when it is spent.
    func spendSMSBudget(now: Int64) async throws {
        let limit = FixedWindowLimit(limit: configuration.smsPerMinute, length: 60)
        if case .limited(let retryAfter) = try await stores.rates.hit(
            scope: "sms_budget", subject: "all", limit: limit, now: now)
        {
            throw APIError.smsBudgetExhausted(retryAfter)
        }
    }

    /// The keys now (re-read every ``ServiceConfiguration/keyRefreshInterval``). A new
    /// revocation drops every presented card: their attestations may carry the withdrawn key.
    func currentKeys() async throws -> AttestationKeyRing.Snapshot {
        let (snapshot, revocationsChanged) = try await keys.current { try await stores.revocations.revokedKeys() }
        if revocationsChanged { cards.removeAll() }
        return snapshot
    }

    /// The store's data time against the clock at `now`, also exported as metrics.
    func freshness(now: Int64) async throws -> DataFreshness {
        let freshness = DataFreshness(
            dataTime: try await cardSource.dataWatermark(), now: now, clock: configuration.cardClock,
            maxLag: configuration.maxDataLag.inWholeSeconds)
        metrics.recordFreshness(freshness)
        return freshness
    }

    /// The card of `phone` now, as presented: the one presented last while ``CardCache`` says it
    /// still stands (and it is as stale as the data now is), else computed and signed.
    func presentCard(phone: Phone, phoneKey: PhoneKey, now: Int64) async throws -> PresentedCard {
        let version = try await cards.version(of: cardSource)
        let freshness = try await freshness(now: now)
        let keys = try await currentKeys()
        if let version, let cached = cards.card(for: phoneKey, version: version, now: now),
            cached.presentation.status == .noData || (cached.presentation.status == .stale) == freshness.isStale
        {
            return cached
        }
        let presentation = try await computeCard(phone: phone, phoneKey: phoneKey, freshness: freshness, keys: keys)
        let presented = PresentedCard(presentation: presentation, body: presentation.json(places: places))
        if let version { cards.insert(presented, for: phoneKey, version: version) }
        return presented
    }

    /// The stored card, at the data time: gray when the store holds nothing for the phone or the
    /// data is stale; signed unless the signing key is withdrawn.
    private func computeCard(
        phone: Phone, phoneKey: PhoneKey, freshness: DataFreshness, keys: AttestationKeyRing.Snapshot
    ) async throws -> CardPresentation {
        let found = try await cardSource.card(forPhoneKey: phoneKey, phone: phone)
        let card = found ?? Card(at: freshness.cardTime, color: .green, places: [])
        var presentation = CardPresentation(
            phone: phone, card: card,
            status: found == nil ? .noData : freshness.isStale ? .stale : .current, generatedAt: freshness.now,
            cardTime: card.at, watermark: freshness.dataTime, dataLag: freshness.lag,
            maxDataLag: configuration.cardClock == .wall ? configuration.maxDataLag.inWholeSeconds : nil,
            windowDays: configuration.windowDays, attestation: nil
        )
        if !keys.signerRevoked {
            let payload = presentation.attestationPayload(
                keyID: self.keys.signer.keyID, issuedAt: freshness.now,
                lifetime: configuration.attestationLifetime.inWholeSeconds)
            presentation.attestation = try self.keys.signer.sign(payload)
        }
        return presentation
    }
}
