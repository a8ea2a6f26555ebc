import Hummingbird
import ItineraryCore
import ItineraryStore

/// `POST /v1/otp {"phone"}`: sends a one-time code, within the client's limit, its network's
/// share of the SMS budget, the budget itself and the phone's limits.
extension LookupService {
    struct CodeRequest: Decodable {
        var phone: String?
        /// `zh` (the default) or `en`: the language of the code SMS.
        var lang: String?
    }

    func requestCode(_ request: Request, context: LookupRequestContext) async throws -> Response {
        let body = try await request.decode(as: CodeRequest.self, context: context)
        let phone = try phone(body.phone)
        let now = clock.now()
        let client = client(of: request, context: context)
        do {
            try await limitClient(
                client, scope: "otp_client", perMinute: configuration.clientLimits.codeRequestsPerMinute, now: now)
        } catch let error as APIError {
            metrics.recordSend("client_limited")
            throw error
        }
        do {
            try await limitNetwork(of: client, now: now)
        } catch let error as APIError {
            metrics.recordSend("network_limited")
            throw error
        }
        let language = SMSLanguage(requested: body.lang)
        return try await sendCode(
            to: phone, now: now, text: { language.codeText($0, minutes: $1) },
            codeHash: { hasher.codeHash(phoneKey: $0, code: $1) })
    }

    /// Spends the SMS budget, issues a code for `phone` (its hash by `codeHash(phoneKey, code)`,
    /// the SMS by `text(code, minutes)`) within the phone's limits, and answers `sent` with the
    /// code's lifetime and `extra` fields: the tail of the person's and a partner's code request.
    func sendCode(
        to phone: Phone, now: Int64, text: (String, Int64) -> String, codeHash: ([UInt8], String) -> [UInt8],
        extra: (inout JSONWriter) -> Void = { _ in }
    ) async throws -> Response {
        do {
            try await spendSMSBudget(now: now)
        } catch let error as APIError {
            metrics.recordSend("budget_limited")
            throw error
        }
        let phoneKey = configuration.phoneKeyer.key(for: phone).bytes
        let code = SecureRandom.digits(configuration.otp.digits)
        let sms = NewSMS(phone: phone, kind: .otp, body: text(code, configuration.otp.codeLifetime.inWholeSeconds / 60))
        let decision = try await stores.codes.issueCode(
            phoneKey: phoneKey, codeHash: codeHash(phoneKey, code), sms: sms, now: now, policy: configuration.otp)
        if case .limited(let retryAfter) = decision {
            metrics.recordSend("phone_limited")
            throw APIError.rateLimited(retryAfter, "a code was sent to this number recently; retry in \(retryAfter) s")
        }
        metrics.recordSend("sent")
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("status", "sent")
        writer.string("phone", phone.masked)
        writer.int("expires_in", configuration.otp.codeLifetime.inWholeSeconds)
        writer.int("resend_after", configuration.otp.resendInterval.inWholeSeconds)
        extra(&writer)
        writer.endObject()
        return Responses.json(writer.text)
    }

    /// Counts a code request of `client`'s network (``NetworkPrefix``); 429 `rate_limited` past
    /// its share of the SMS budget, so one network with many addresses cannot spend all of it.
    func limitNetwork(of client: String, now: Int64) async throws {
        let network = NetworkPrefix.of(client: client)
        let limit = FixedWindowLimit(limit: configuration.codeRequestsPerNetworkPerMinute, length: 60)
        if case .limited(let retryAfter) = try await stores.rates.hit(
            scope: "otp_network", subject: network, limit: limit, now: now)
        {
            throw APIError.rateLimited(
                retryAfter, "too many code requests from this network (\(network)); retry in \(retryAfter) s")
        }
    }
}
