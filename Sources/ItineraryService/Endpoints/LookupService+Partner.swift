import Foundation
import Hummingbird
import ItineraryCore
import ItineraryStore

/// The lookup services' routes (docs/partner-api.md), behind ``PartnerTokenMiddleware``:
/// `POST /v1/partner/otp {"phone","consent_days"?,"lang"?}` sends the person a code naming the
/// partner; `POST /v1/partner/itinerary {"phone","code","consent_days"?}` answers the card as the
/// person sees it, with its card code, and records the person's standing consent when asked;
/// `GET /v1/partner/itinerary?phone=…` answers the card again while that consent stands.
/// Every read is recorded (``PartnerStore``) and shown to the person on the card page.
extension LookupService {
    struct PartnerCodeRequest: Decodable {
        var phone: String?
        var lang: String?
        /// Days the partner asks to read again without a code (0 to the window; default 0).
        var consentDays: Int?

        enum CodingKeys: String, CodingKey {
            case phone, lang
            case consentDays = "consent_days"
        }
    }

    struct PartnerCardRequest: Decodable {
        var phone: String?
        var code: String?
        /// Must be what the code was requested with: the code is bound to it.
        var consentDays: Int?

        enum CodingKeys: String, CodingKey {
            case phone, code
            case consentDays = "consent_days"
        }
    }

    var partnerStore: any PartnerStore { stores.partners }

    /// The partner with `clientID` as last read (``PartnerDirectory``), revoked ones included.
    func partner(_ clientID: String) async throws -> Partner? {
        try await partners.partner(clientID, refreshInterval: configuration.partnerRefreshInterval) {
            try await partnerStore.partners()
        }
    }

    func partnerRequestCode(_ request: Request, context: LookupRequestContext) async throws -> Response {
        let partner = try Self.partner(in: context, scope: .relay)
        let body = try await request.decode(as: PartnerCodeRequest.self, context: context)
        let phone = try phone(body.phone)
        let days = try consentDays(body.consentDays, partner: partner, scopes: context.partnerScopes)
        let now = clock.now()
        let language = SMSLanguage(requested: body.lang)
        return try await sendCode(
            to: phone, now: now,
            text: {
                language.partnerCodeText(
                    $0, minutes: $1, partner: partner.name, consentDays: days, keyword: configuration.withdrawKeyword)
            },
            codeHash: { partnerCodeHash(phoneKey: $0, code: $1, partner: partner, days: days) },
            extra: { $0.int("consent_days", Int64(days)) })
    }

    func partnerVerify(_ request: Request, context: LookupRequestContext) async throws -> Response {
        let partner = try Self.partner(in: context, scope: .relay)
        let body = try await request.decode(as: PartnerCardRequest.self, context: context)
        let phone = try phone(body.phone)
        let days = try consentDays(body.consentDays, partner: partner, scopes: context.partnerScopes)
        let code = try codeDigits(body.code)
        let now = clock.now()
        try await limitPartnerReads(partner, now: now)
        let phoneKey = configuration.phoneKeyer.key(for: phone)
        let outcome = try await stores.codes.verifyCode(
            phoneKey: phoneKey.bytes,
            submittedHash: partnerCodeHash(phoneKey: phoneKey.bytes, code: code, partner: partner, days: days),
            now: now,
            policy: configuration.otp, token: nil)
        metrics.recordVerification(outcome)
        if let error = Self.refusal(outcome) {
            try await partnerStore.recordRead(
                clientID: partner.clientID, phoneKey: phoneKey.bytes, at: now, purpose: "relay", outcome: error.code)
            throw error
        }
        let consentUntil = days > 0 ? now + Int64(days) * 86_400 : nil
        if let consentUntil {
            try await partnerStore.grantConsent(
                clientID: partner.clientID, phoneKey: phoneKey.bytes, at: now, expiresAt: consentUntil)
        }
        try await partnerStore.recordRead(
            clientID: partner.clientID, phoneKey: phoneKey.bytes, at: now, purpose: "relay", outcome: "card")
        return try await partnerCard(phone: phone, phoneKey: phoneKey, now: now, consentUntil: consentUntil)
    }

    func partnerReadAgain(_ request: Request, context: LookupRequestContext) async throws -> Response {
        let partner = try Self.partner(in: context, scope: .consent)
        let phone = try phone(request.uri.queryParameters.get("phone"))
        let now = clock.now()
        try await limitPartnerReads(partner, now: now)
        let phoneKey = configuration.phoneKeyer.key(for: phone)
        guard try await partnerStore.consentedRead(clientID: partner.clientID, phoneKey: phoneKey.bytes, at: now) else {
            throw APIError(
                status: .forbidden, code: "no_consent",
                message: "this number has granted \(partner.name) no standing consent (never, expired or withdrawn); "
                    + "relay a code with POST /v1/partner/itinerary")
        }
        return try await partnerCard(phone: phone, phoneKey: phoneKey, now: now, consentUntil: nil)
    }

    /// The person-facing card JSON, with the card code (`null` while the signing key is
    /// withdrawn) and, after a grant, when the consent ends.
    private func partnerCard(
        phone: Phone, phoneKey: PhoneKey, now: Int64, consentUntil: Int64?
    ) async throws
        -> Response
    {
        let presentation = try await presentCard(phone: phone, phoneKey: phoneKey, now: now).presentation
        let signerRevoked = try await currentKeys().signerRevoked
        var codeWriter = JSONWriter()
        if !signerRevoked {
            codeWriter.beginObject()
            try writeCardCode(of: presentation, now: now, into: &codeWriter)
            codeWriter.endObject()
        }
        let json = presentation.json(places: places) { writer in
            writer.raw("card_code", signerRevoked ? "null" : codeWriter.text)
            if let consentUntil { writer.string("consent_expires_at", UTCTimestamp.format(consentUntil)) }
        }
        return Responses.json(json)
    }

    /// The hash a partner's code is stored under: bound to the partner and to the consent days
    /// its SMS announced, so the person's code opens exactly what the text said, and neither
    /// another partner nor the person-facing API can use it.
    private func partnerCodeHash(phoneKey: [UInt8], code: String, partner: Partner, days: Int) -> [UInt8] {
        hasher.codeHash(phoneKey: phoneKey, code: "\(code)\u{0}\(partner.clientID)\u{0}\(days)")
    }

    /// Counts a card read against the partner's daily reads (in PostgreSQL, shared by every
    /// instance); 429 `rate_limited` past them.
    private func limitPartnerReads(_ partner: Partner, now: Int64) async throws {
        let limit = FixedWindowLimit(limit: partner.readsPerDay, length: 86_400)
        if case .limited(let retryAfter) = try await stores.rates.hit(
            scope: "partner_reads", subject: partner.clientID, limit: limit, now: now)
        {
            // Counted by PartnerTokenMiddleware with the request's status.
            throw APIError.rateLimited(
                retryAfter,
                "\(partner.name) has used its \(partner.readsPerDay) reads for today; retry in \(retryAfter) s")
        }
    }

    /// The consent days asked for: 0 to the card window; more than 0 needs the `consent` scope.
    private func consentDays(_ days: Int?, partner: Partner, scopes: Set<PartnerScope>) throws -> Int {
        let days = days ?? 0
        guard (0...configuration.windowDays).contains(days) else {
            throw APIError.invalidRequest("consent_days must be 0 to \(configuration.windowDays)")
        }
        guard days == 0 || scopes.contains(.consent) else { throw Self.insufficientScope(.consent) }
        return days
    }

    /// The partner the token names, if it was given `scope`; 403 `insufficient_scope` otherwise.
    private static func partner(in context: LookupRequestContext, scope: PartnerScope) throws -> Partner {
        guard let partner = context.partner else { throw APIError.invalidToken }
        guard context.partnerScopes.contains(scope) else { throw insufficientScope(scope) }
        return partner
    }

    private static func insufficientScope(_ scope: PartnerScope) -> APIError {
        APIError(
            status: .forbidden, code: "insufficient_scope", message: "this token lacks the \(scope.rawValue) scope",
            headers: [.wwwAuthenticate: #"Bearer error="insufficient_scope", scope="\#(scope.rawValue)""#])
    }

    /// A texted withdrawal: the keyword alone ends every standing consent of `phone`, followed
    /// by a partner's name only that partner's. Effective at once; the confirmation is queued
    /// when the phone's reply limit allows.
    func withdrawBySMS(phone: Phone, text: String, language: SMSLanguage, now: Int64) async throws -> String {
        let phoneKey = configuration.phoneKeyer.key(for: phone)
        let name = text.dropFirst(configuration.withdrawKeyword.count).trimmingCharacters(in: .whitespaces)
        let withdrawn = try await partnerStore.withdraw(
            phoneKey: phoneKey.bytes, partnerName: name.isEmpty ? nil : name, clientID: nil, at: now)
        let limit = FixedWindowLimit(limit: configuration.inboundRepliesPerMinute, length: 60)
        guard
            try await stores.rates.hit(
                scope: "sms_reply", subject: Base64URL.encode(phoneKey.bytes), limit: limit, now: now) == .allowed
        else { return "throttled" }
        try await spendSMSBudget(now: now)
        try await stores.outbox.enqueue(
            NewSMS(phone: phone, kind: .reply, body: language.withdrawalText(withdrawn)), now: now)
        return "queued"
    }
}
