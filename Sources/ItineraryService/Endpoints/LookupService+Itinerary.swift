import Foundation
import Hummingbird
import ItineraryCore
import ItineraryStore

/// `POST /v1/itinerary {"phone","code","consent":true}` and `GET /v1/itinerary` (Bearer token).
extension LookupService {
    struct ItineraryRequest: Decodable {
        var phone: String?
        var code: String?
        var consent: Bool?
    }

    func verifyAndShow(_ request: Request, context: LookupRequestContext) async throws -> Response {
        let body = try await request.decode(as: ItineraryRequest.self, context: context)
        let phone = try phone(body.phone)
        guard body.consent == true else { throw APIError.consentRequired }
        let code = try codeDigits(body.code)
        let now = clock.now()
        let client = client(of: request, context: context)
        try await limitClient(
            client, scope: "verify_client", perMinute: configuration.clientLimits.verificationsPerMinute, now: now)

        let phoneKey = configuration.phoneKeyer.key(for: phone)
        let token = SecureRandom.bytes(32)
        let newToken = NewToken(
            tokenHash: hasher.tokenHash(token), client: client, phoneSealed: try PhoneSealer.seal(phone, token: token),
            issuedAt: now, expiresAt: now + configuration.tokenLifetime.inWholeSeconds
        )
        let outcome = try await stores.codes.verifyCode(
            phoneKey: phoneKey.bytes, submittedHash: hasher.codeHash(phoneKey: phoneKey.bytes, code: code), now: now,
            policy: configuration.otp, token: newToken
        )
        metrics.recordVerification(outcome)
        if let error = Self.refusal(outcome) { throw error }
        let presentation = try await presentCard(phone: phone, phoneKey: phoneKey, now: now).presentation
        let json = presentation.json(places: places) { writer in
            writer.string("token", Base64URL.encode(token))
            writer.int("token_expires_in", configuration.tokenLifetime.inWholeSeconds)
        }
        return Responses.json(json)
    }

    /// The code as typed, if it is the digits a code SMS carries; 401 `invalid_code` otherwise.
    func codeDigits(_ code: String?) throws -> String {
        guard let code, code.utf8.count == configuration.otp.digits, code.utf8.allSatisfy({ (48...57).contains($0) })
        else {
            throw APIError(
                status: .unauthorized, code: "invalid_code",
                message: "the code must be the \(configuration.otp.digits) digits sent by SMS")
        }
        return code
    }

    /// The error a verification outcome answers; `nil` for an accepted code.
    static func refusal(_ outcome: OTPOutcome) -> APIError? {
        switch outcome {
        case .accepted:
            nil
        case .wrongCode(let remaining):
            APIError(status: .unauthorized, code: "invalid_code", message: "wrong code; \(remaining) attempts left")
        case .noCode:
            APIError(
                status: .unauthorized, code: "invalid_code",
                message: "no code is pending for this number; request a new one")
        case .expired:
            APIError(status: .unauthorized, code: "code_expired", message: "the code has expired; request a new one")
        case .tooManyAttempts(let retryAfter):
            APIError(
                status: .tooManyRequests, code: "too_many_attempts",
                message: "too many wrong codes; request a new code in \(retryAfter) s", retryAfter: retryAfter
            )
        }
    }

    func showAgain(_ request: Request, context: LookupRequestContext) async throws -> Response {
        let now = clock.now()
        let entry = try context.requireBearer()
        return Responses.json(try await presentCard(phone: entry.phone, phoneKey: entry.phoneKey, now: now).body)
    }
}
