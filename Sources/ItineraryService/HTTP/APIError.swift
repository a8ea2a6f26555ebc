import HTTPTypes
import ItineraryCore

/// An error answered as JSON `{"error":{"code":"…","message":"…"}}` with its HTTP status.
///
/// Codes: `malformed_json`, `invalid_request`, `invalid_phone`, `consent_required` (400);
/// `invalid_code`, `code_expired`, `invalid_token`, `invalid_signature`, `stale_timestamp` (401);
/// `cross_origin` (403); `not_found` (404); `replayed` (409); `payload_too_large` (413); `unsupported_media_type` (415); `too_many_attempts`, `rate_limited`, `sms_budget_exhausted` (429, with
/// `Retry-After`); `service_unavailable`, `signing_key_revoked` (503, with `Retry-After`); `internal_error` (500).
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    /// Seconds for the `Retry-After` header.
    var retryAfter: Int64?

    static func malformedJSON(_ message: String = "the request body is not a JSON object") -> APIError {
        APIError(status: .badRequest, code: "malformed_json", message: message)
    }

    static func invalidRequest(_ message: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_request", message: message)
    }

    static let invalidPhone = APIError(
        status: .badRequest, code: "invalid_phone",
        message: "phone must be a mainland mobile number: 11 digits 1[3-9]xxxxxxxxx, optionally prefixed 86 or +86"
    )
    static let consentRequired = APIError(
        status: .badRequest, code: "consent_required", message: "consent must be true to look up the itinerary"
    )
    static let invalidToken = APIError(
        status: .unauthorized, code: "invalid_token", message: "the token is missing, invalid or expired")
    static let invalidSignature = APIError(
        status: .unauthorized, code: "invalid_signature",
        message: "X-Timestamp, X-Nonce and X-Signature are missing, malformed or do not match the body"
    )
    static let staleTimestamp = APIError(
        status: .unauthorized, code: "stale_timestamp",
        message: "X-Timestamp is more than 5 minutes off the service clock"
    )
    static let replayed = APIError(status: .conflict, code: "replayed", message: "this X-Nonce was already used")
    static let crossOrigin = APIError(
        status: .forbidden, code: "cross_origin", message: "cross-origin requests are refused")
    static let unsupportedMediaType = APIError(
        status: .unsupportedMediaType, code: "unsupported_media_type",
        message: "the request body must be sent as Content-Type: application/json"
    )
    static let notFound = APIError(status: .notFound, code: "not_found", message: "no such endpoint")
    static let payloadTooLarge = APIError(
        status: .contentTooLarge, code: "payload_too_large", message: "the request body exceeds 4 KiB")
    static let serviceUnavailable = APIError(
        status: .serviceUnavailable, code: "service_unavailable",
        message: "the service is unavailable; try again shortly", retryAfter: 5
    )
    static let signingKeyRevoked = APIError(
        status: .serviceUnavailable, code: "signing_key_revoked",
        message: "this instance's signing key has been withdrawn; it issues no codes until the key is rotated",
        retryAfter: 5
    )
    static let `internal` = APIError(status: .internalServerError, code: "internal_error", message: "internal error")

    static func smsBudgetExhausted(_ retryAfter: Int64) -> APIError {
        APIError(
            status: .tooManyRequests, code: "sms_budget_exhausted",
            message: "the service is sending too many SMS right now; retry in \(retryAfter) s", retryAfter: retryAfter
        )
    }

    static func rateLimited(_ retryAfter: Int64, _ message: String) -> APIError {
        APIError(status: .tooManyRequests, code: "rate_limited", message: message, retryAfter: retryAfter)
    }

    /// The JSON body.
    var json: String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginObject("error")
        writer.string("code", code)
        writer.string("message", message)
        writer.endObject()
        writer.endObject()
        return writer.text
    }
}
