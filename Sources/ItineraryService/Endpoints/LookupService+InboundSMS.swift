import Foundation
import Hummingbird
import ItineraryCore
import ItineraryStore

/// `POST /v1/sms/inbound`: the SMS gateway's callback for a message texted to the service.
///
/// Body `{"from":"13800138000","text":"CXMYD"}` (or `QXSQ [partner]`, withdrawing standing
/// consents: ``withdrawBySMS(phone:text:language:now:)``), signed (``GatewaySignatureMiddleware`` checks
/// it). Answers 429 `sms_budget_exhausted` past the service-wide SMS budget, otherwise 200 with
/// `{"status":"queued"|"ignored"|"throttled"}` (a gateway should not retry those).
extension LookupService {
    struct InboundMessage: Decodable {
        var from: String?
        var text: String?
    }

    /// The most an inbound callback's timestamp may differ from the service clock (seconds).
    static let inboundClockSkew: Int64 = 300

    func receiveSMS(_ request: Request, context: LookupRequestContext) async throws -> Response {
        let now = clock.now()
        let message = try await request.decode(as: InboundMessage.self, context: context)
        let phone = try phone(message.from)
        let keyword = (message.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        // The keyword alone answers in Chinese; followed by ` EN`, in English.
        let withdrawal = configuration.withdrawKeyword.uppercased()
        let language: SMSLanguage
        switch keyword {
        case configuration.inboundKeyword.uppercased(): language = .chinese
        case configuration.inboundKeyword.uppercased() + " EN": language = .english
        case let text where text == withdrawal || text.hasPrefix(withdrawal + " "):
            // The withdrawal of standing consents to lookup services (docs/partner-api.md).
            let original = (message.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return Self.status(try await withdrawBySMS(phone: phone, text: original, language: .chinese, now: now))
        default: return Self.status("ignored")
        }

        let phoneKey = configuration.phoneKeyer.key(for: phone)
        let limit = FixedWindowLimit(limit: configuration.inboundRepliesPerMinute, length: 60)
        let subject = Base64URL.encode(phoneKey.bytes)
        guard try await stores.rates.hit(scope: "sms_reply", subject: subject, limit: limit, now: now) == .allowed
        else {
            return Self.status("throttled")
        }
        try await spendSMSBudget(now: now)
        let presentation = try await presentCard(phone: phone, phoneKey: phoneKey, now: now).presentation
        try await stores.outbox.enqueue(
            NewSMS(phone: phone, kind: .reply, body: presentation.smsText(places: places, language: language)), now: now
        )
        return Self.status("queued")
    }

    private static func status(_ status: String) -> Response {
        Responses.json(#"{"status":"\#(status)"}"#)
    }
}
