import HTTPTypes
import Hummingbird
import ItineraryCore

/// An error answered as JSON `{"error":{"code":"…","message":"…"}}` with its HTTP status: an
/// `HTTPResponseError`, so Hummingbird's router (and ``SecurityHeadersMiddleware``, which adds
/// the security headers) answer it wherever it is thrown.
///
/// Codes: `malformed_json`, `malformed_request`, `invalid_request`, `invalid_phone`, `consent_required` (400);
/// `invalid_code`, `code_expired`, `invalid_token`, `invalid_signature`, `stale_timestamp` (401);
/// `cross_origin` (403); `not_found` (404); `method_not_allowed` (405, with `Allow`); `request_timeout` (408);
/// `replayed` (409); `payload_too_large` (413); `unsupported_media_type` (415); `too_many_attempts`,
/// `rate_limited`, `sms_budget_exhausted` (429, with `Retry-After`); `client_closed_request` (499: the client left,
/// never sent); `service_unavailable`, `signing_key_revoked` (503, with `Retry-After`); `internal_error` (500).
struct APIError: HTTPResponseError, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    /// Seconds for the `Retry-After` header.
    var retryAfter: Int64?
    /// Headers the error carries besides those every JSON answer has: `Allow`, `WWW-Authenticate`,
    /// `Connection: close`.
    var headers: HTTPFields = [:]

    static func malformedJSON(_ message: String = "the request body is not a JSON object") -> APIError {
        APIError(status: .badRequest, code: "malformed_json", message: message)
    }

    static func invalidRequest(_ message: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_request", message: message)
    }

    /// 400: the phone is not a mainland mobile number; the message says what was wrong.
    static func invalidPhone(_ problem: PhoneInputError) -> APIError {
        APIError(
            status: .badRequest, code: "invalid_phone",
            message: "phone must be a mainland mobile number (11 digits 1[3-9]…, optionally after 86 or +86): "
                + problem.description)
    }
    static let consentRequired = APIError(
        status: .badRequest, code: "consent_required", message: "consent must be true to look up the itinerary"
    )
    static let invalidToken = APIError(
        status: .unauthorized, code: "invalid_token", message: "the token is missing, invalid or expired",
        headers: [.wwwAuthenticate: #"Bearer error="invalid_token""#])
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

    /// 405 for `method` on a path that answers only `allowed`.
    static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: [HTTPRequest.Method]) -> APIError {
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        return APIError(
            status: .methodNotAllowed, code: "method_not_allowed",
            message: "\(method.rawValue) is not allowed here; use \(allow)", headers: [.allow: allow])
    }

    /// 408: the body did not arrive in full within `seconds` of the head; the connection closes.
    static func requestTimeout(seconds: Int64) -> APIError {
        APIError(
            status: .requestTimeout, code: "request_timeout",
            message: "the request body did not arrive within \(seconds) s", headers: [.connection: "close"])
    }

    /// 400: the request's framing (chunked encoding, Content-Length, the head) is broken, so
    /// nothing after it can be read; the connection closes.
    static let malformedRequest = APIError(
        status: .badRequest, code: "malformed_request",
        message: "the request is malformed (its head, Content-Length or chunked encoding)",
        headers: [.connection: "close"])

    /// The client hung up before its request arrived: counted (as nginx does, 499), never sent.
    static let clientClosedRequest = APIError(
        status: HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request"), code: "client_closed_request",
        message: "the client closed the connection before its request arrived")
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

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Responses.json(json, status: status, headers: responseHeaders)
    }

    /// `headers`, with `Retry-After` when set.
    var responseHeaders: HTTPFields {
        var fields = headers
        if let retryAfter { fields[.retryAfter] = String(retryAfter) }
        return fields
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
