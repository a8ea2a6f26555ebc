import Hummingbird
import ItineraryCore

/// The person's view of lookup services (Bearer token, ``BearerTokenMiddleware``), for the card
/// page's 谁查询了我的行程卡: `GET /v1/itinerary/partners` and `DELETE /v1/itinerary/partners/{client_id}`.
extension LookupService {
    /// `{"reads":[{"partner":"…","at":"…","purpose":"relay|consent","outcome":"card|…"}],
    /// "consents":[{"client_id":"…","partner":"…","granted_at":"…","expires_at":"…"}]}`: the
    /// latest 50 reads, newest first, and the consents standing now.
    func partnerAudit(_ request: Request, context: LookupRequestContext) async throws -> Response {
        let entry = try context.requireBearer()
        let (reads, consents) = try await partnerStore.audit(phoneKey: entry.phoneKey.bytes, at: clock.now(), limit: 50)
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginArray("reads")
        for read in reads {
            writer.beginObject()
            writer.string("partner", read.partnerName)
            writer.string("at", UTCTimestamp.format(read.at))
            writer.string("purpose", read.purpose)
            writer.string("outcome", read.outcome)
            writer.endObject()
        }
        writer.endArray()
        writer.beginArray("consents")
        for consent in consents {
            writer.beginObject()
            writer.string("client_id", consent.clientID)
            writer.string("partner", consent.partnerName)
            writer.string("granted_at", UTCTimestamp.format(consent.grantedAt))
            writer.string("expires_at", UTCTimestamp.format(consent.expiresAt))
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return Responses.json(writer.text)
    }

    /// Withdraws the token's phone's consent to one partner, at once: `{"withdrawn":["…"]}`, 404
    /// `no_consent` when none stands.
    func withdrawConsent(_ request: Request, context: LookupRequestContext) async throws -> Response {
        let entry = try context.requireBearer()
        guard let clientID = context.parameters.get("client_id"), clientID.utf8.count <= 64 else {
            throw APIError.invalidRequest("name the partner by its client_id")
        }
        let withdrawn = try await partnerStore.withdraw(
            phoneKey: entry.phoneKey.bytes, partnerName: nil, clientID: clientID, at: clock.now())
        guard !withdrawn.isEmpty else {
            throw APIError(status: .notFound, code: "no_consent", message: "no standing consent to this partner")
        }
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginArray("withdrawn")
        for name in withdrawn { writer.string(nil, name) }
        writer.endArray()
        writer.endObject()
        return Responses.json(writer.text)
    }
}
