import Crypto
import Hummingbird
import ItineraryCore
import ItineraryStore

/// `POST /v1/sms/inbound`: the SMS gateway's callback for a message texted to the service.
///
/// Body `{"from":"13800138000","text":"CXMYD"}`, signed in `X-Signature: hex(HMAC-SHA256(secret,
/// raw body))`. Answers 401 `invalid_signature` on a bad signature, otherwise 200 with
/// `{"status":"queued"|"ignored"|"throttled"}` (a gateway should not retry those).
extension LookupService {
    struct InboundMessage: Decodable {
        var from: String?
        var text: String?
    }

    func receiveSMS(_ request: Request, context: LookupRequestContext) async throws -> Response {
        let raw = try await BodyReader.bytes(request, limit: configuration.maxBodyBytes)
        guard let secret = configuration.inboundSecret else {
            throw APIError(status: .notFound, code: "not_found", message: "inbound SMS are not configured")
        }
        guard let signature = request.headers[.init("X-Signature")!].flatMap(Self.hexBytes),
              HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: raw, using: SymmetricKey(data: secret))
        else { throw APIError.invalidSignature }
        let message = try BodyReader.decode(InboundMessage.self, from: raw)
        let phone = try phone(message.from)
        let keyword = (message.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        guard keyword == configuration.inboundKeyword.uppercased() else { return Self.status("ignored") }

        let now = clock.now()
        let phoneKey = configuration.phoneKeyer.key(for: phone)
        let limit = FixedWindowLimit(limit: configuration.inboundRepliesPerMinute, length: 60)
        let subject = Base64URL.encode(phoneKey.bytes)
        guard try await store.hit(scope: "sms_reply", subject: subject, limit: limit, now: now) == .allowed else {
            return Self.status("throttled")
        }
        let presentation = try await presentCard(phone: phone, phoneKey: phoneKey, now: now)
        try await store.enqueue(NewSMS(phone: phone, kind: .reply, body: presentation.smsText(places: places)), now: now)
        return Self.status("queued")
    }

    private static func status(_ status: String) -> Response {
        Responses.json(#"{"status":"\#(status)"}"#)
    }

    /// Decodes lower- or upper-case hex; `nil` if malformed.
    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        guard digits.count % 2 == 0, !digits.isEmpty else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 48...57: digit - 48
        case 97...102: digit - 87
        case 65...70: digit - 55
        default: nil
        }
    }
}
