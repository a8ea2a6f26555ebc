import Foundation
import Hummingbird
import ItineraryCore
import ItineraryStore

/// `GET /v1/itinerary/code` (Bearer token): the card's short-lived ``CardCode`` and its QR code.
extension LookupService {
    /// Answers 200 `{"code":"ITC1.…","color":"green|…|gray","status":"current|no_data|stale",
    /// "expires_at":"…","expires_in":180,"qr_svg":"<svg …>"}`: a gray card gets a gray code,
    /// never a green one. The same errors as `GET /v1/itinerary`, counted against the same
    /// re-read limit, and 503 `signing_key_revoked` while this instance's key is withdrawn.
    func cardCode(_ request: Request, context: LookupRequestContext) async throws -> Response {
        let now = clock.now()
        let entry = try await tokenEntry(request, context: context, now: now)
        let presentation = try await presentCard(phone: entry.phone, phoneKey: entry.phoneKey, now: now).presentation
        guard try await !currentKeys().signerRevoked else { throw APIError.signingKeyRevoked }
        let payload = presentation.attestationPayload(
            keyID: keys.signer.keyID, issuedAt: now, lifetime: configuration.cardCodeLifetime)
        guard let code = try keys.signer.signCode(payload), let symbol = QRCode(code) else {
            throw APIError(
                status: .internalServerError, code: "internal_error", message: "the card does not fit a code")
        }
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("code", code)
        writer.string("color", payload.color)
        writer.string("status", payload.status)
        writer.string("expires_at", UTCTimestamp.format(payload.expiresAt))
        writer.int("expires_in", configuration.cardCodeLifetime)
        writer.string("qr_svg", symbol.svg)
        writer.endObject()
        return Responses.json(writer.text)
    }

    /// The phone behind the request's Bearer token, checked against the client and rate limited
    /// as a card re-read; 401 `invalid_token` otherwise.
    func tokenEntry(_ request: Request, context: LookupRequestContext, now: Int64) async throws -> TokenCache.Entry {
        guard let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer "),
            let token = Base64URL.decode(authorization.dropFirst(7).trimmingCharacters(in: .whitespaces)),
            token.count == 32
        else { throw APIError.invalidToken }
        let client = client(of: request, context: context)
        if case .limited(let retryAfter) = cardReads.hit(client, now: now) {
            throw APIError.rateLimited(retryAfter, "too many requests from this address; retry in \(retryAfter) s")
        }
        let tokenHash = hasher.tokenHash(token)
        let entry: TokenCache.Entry
        if let cached = tokens.entry(tokenHash: tokenHash) {
            entry = cached
        } else {
            guard let record = try await store.token(hash: tokenHash),
                let phone = PhoneSealer.open(record.phoneSealed, token: token),
                case let phoneKey = configuration.phoneKeyer.key(for: phone),
                ConstantTime.equal(phoneKey.bytes, record.phoneKey)
            else { throw APIError.invalidToken }
            entry = TokenCache.Entry(record: record, phone: phone, phoneKey: phoneKey)
            tokens.insert(entry, tokenHash: tokenHash, now: now)
        }
        guard entry.record.admits(client: client, now: now) else { throw APIError.invalidToken }
        return entry
    }
}
