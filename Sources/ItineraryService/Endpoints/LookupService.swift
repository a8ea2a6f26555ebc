import Foundation
import Hummingbird
import ItineraryCore
import ItineraryStore
import Logging

/// The endpoints' shared dependencies; one extension file per endpoint group.
struct LookupService: Sendable {
    let configuration: ServiceConfiguration
    let store: LookupStore
    let cardSource: any CardSource
    let places: PlaceDirectory
    let clock: any WallClock
    let hasher: SecretHasher
    let signer: AttestationSigner
    let verifier: AttestationVerifier
    let metrics: ServiceMetrics
    let logger: Logger
    /// Card re-reads per client address, counted in memory (the hot path).
    let cardReads: LocalRateLimiter
    let tokens = TokenCache()
    let cards: CardCache

    /// The client address rate limits and tokens are tied to: the socket peer, or the address
    /// a trusted proxy forwarded for.
    func client(of request: Request, context: LookupRequestContext) -> String {
        configuration.trustedProxies.client(
            peer: context.peerAddress, forwardedFor: request.headers[values: .xForwardedFor])
    }

    /// Parses a phone number as typed: spaces and dashes are ignored.
    func phone(_ text: String?) throws -> Phone {
        guard let text, text.utf8.count <= 32 else { throw APIError.invalidPhone }
        let cleaned = text.filter { $0 != " " && $0 != "-" }
        guard let phone = Phone(cleaned) else { throw APIError.invalidPhone }
        return phone
    }

    /// Counts a hit of `client` in `scope`; 429 when over `perMinute`.
    func limitClient(_ client: String, scope: String, perMinute: Int, now: Int64) async throws {
        let decision = try await store.hit(
            scope: scope, subject: client, limit: FixedWindowLimit(limit: perMinute, length: 60), now: now)
        if case .limited(let retryAfter) = decision {
            throw APIError.rateLimited(retryAfter, "too many requests from this address; retry in \(retryAfter) s")
        }
    }

    /// Counts one SMS against the service-wide budget; 429 when it is spent.
    func spendSMSBudget(now: Int64) async throws {
        let limit = FixedWindowLimit(limit: configuration.smsPerMinute, length: 60)
        if case .limited(let retryAfter) = try await store.hit(
            scope: "sms_budget", subject: "all", limit: limit, now: now)
        {
            throw APIError.smsBudgetExhausted(retryAfter)
        }
    }

    /// The card of `phone` now, as presented (an empty green card when the source has none):
    /// the one presented last while ``CardCache`` says it still stands, else computed and signed.
    func presentCard(phone: Phone, phoneKey: PhoneKey, now: Int64) async throws -> PresentedCard {
        let version = try await cards.version(of: cardSource)
        if let version, let cached = cards.card(for: phoneKey, version: version, now: now) { return cached }
        let presentation = try await computeCard(phone: phone, phoneKey: phoneKey, now: now)
        let presented = PresentedCard(presentation: presentation, body: presentation.json(places: places))
        if let version { cards.insert(presented, for: phoneKey, version: version) }
        return presented
    }

    private func computeCard(phone: Phone, phoneKey: PhoneKey, now: Int64) async throws -> CardPresentation {
        async let cardLookup = cardSource.card(forPhoneKey: phoneKey, phone: phone, at: now)
        async let watermarkLookup = cardSource.dataWatermark()
        let card = try await cardLookup ?? Card(at: now, color: .green, places: [])
        let watermark = try await watermarkLookup
        let payload = CardPresentation.attestationPayload(
            phone: phone, card: card, generatedAt: now, watermark: watermark, windowDays: configuration.windowDays,
            keyID: signer.keyID, lifetime: configuration.attestationLifetime
        )
        return CardPresentation(
            phone: phone, card: card, generatedAt: now, watermark: watermark, windowDays: configuration.windowDays,
            attestation: try signer.sign(payload)
        )
    }
}
