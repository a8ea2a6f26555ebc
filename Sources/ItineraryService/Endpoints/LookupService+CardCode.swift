import Foundation
import Hummingbird
import ItineraryCore
import ItineraryStore

/// `GET /v1/itinerary/code` (Bearer token, ``BearerTokenMiddleware``): the card's short-lived ``CardCode`` and its QR code.
extension LookupService {
    /// Answers 200 `{"code":"ITC1.…","color":"green|…|gray","status":"current|no_data|stale",
    /// "expires_at":"…","expires_in":180,"qr_svg":"<svg …>"}`: a gray card gets a gray code,
    /// never a green one. The same errors as `GET /v1/itinerary`, counted against the same
    /// re-read limit, and 503 `signing_key_revoked` while this instance's key is withdrawn.
    func cardCode(_ request: Request, context: LookupRequestContext) async throws -> Response {
        let now = clock.now()
        let entry = try context.requireBearer()
        let presentation = try await presentCard(phone: entry.phone, phoneKey: entry.phoneKey, now: now).presentation
        guard try await !currentKeys().signerRevoked else { throw APIError.signingKeyRevoked }
        var writer = JSONWriter()
        writer.beginObject()
        try writeCardCode(of: presentation, now: now, into: &writer)
        writer.endObject()
        return Responses.json(writer.text)
    }

    /// The fields of a card code answer for `presentation` (the signer must not be withdrawn).
    func writeCardCode(of presentation: CardPresentation, now: Int64, into writer: inout JSONWriter) throws {
        let payload = presentation.attestationPayload(
            keyID: keys.signer.keyID, issuedAt: now, lifetime: configuration.cardCodeLifetime.inWholeSeconds)
        guard let code = try keys.signer.signCode(payload), let symbol = QRCode(code) else {
            throw APIError(
                status: .internalServerError, code: "internal_error", message: "the card does not fit a code")
        }
        writer.string("code", code)
        writer.string("color", payload.color)
        writer.string("status", payload.status)
        writer.string("expires_at", UTCTimestamp.format(payload.expiresAt))
        writer.int("expires_in", configuration.cardCodeLifetime.inWholeSeconds)
        writer.string("qr_svg", symbol.svg)
    }
}
