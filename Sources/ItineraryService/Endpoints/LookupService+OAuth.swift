import Hummingbird
import ItineraryCore

/// `POST /v1/oauth/token`: OAuth 2.0 client credentials (RFC 6749 §4.4) for lookup services.
///
/// A form body `grant_type=client_credentials[&scope=relay consent]`, the client authenticated
/// by `Authorization: Basic` (preferred) or `client_id`/`client_secret` form fields. Answers
/// `{"access_token":"pt1.…","token_type":"Bearer","expires_in":300,"scope":"consent relay"}`.
/// Its errors are OAuth's (§5.2), not the service's shape, since OAuth clients parse them:
/// `{"error":"invalid_client","error_description":"…"}` with 401 (and `WWW-Authenticate:
/// Basic` when Basic was tried), `invalid_request`, `unsupported_grant_type`, `invalid_scope`
/// with 400; 429 `rate_limited` past the partner's request rate. An unreachable database is still
/// the service's 503.
extension LookupService {
    func issuePartnerToken(_ request: Request, context: LookupRequestContext) async throws -> Response {
        var request = request
        let body = try await request.collectLimitedBody(context: context)
        let basic = request.headers[.authorization]
        guard let contentType = request.headers[.contentType], FormBody.isForm(contentType),
            let form = FormBody(body.readableBytesView)
        else {
            return Self.oauthError(.badRequest, "invalid_request", "send an application/x-www-form-urlencoded body")
        }
        guard let grant = form["grant_type"] else {
            return Self.oauthError(.badRequest, "invalid_request", "grant_type is required")
        }
        guard grant == "client_credentials" else {
            return Self.oauthError(.badRequest, "unsupported_grant_type", "only client_credentials is supported")
        }
        let credentials: (id: String, secret: String)
        if let basic {
            guard let pair = FormBody.basicCredentials(basic), form["client_secret"] == nil else {
                return Self.invalidClient(basic: true)
            }
            credentials = pair
        } else {
            guard let id = form["client_id"], let secret = form["client_secret"] else {
                return Self.invalidClient(basic: false)
            }
            credentials = (id, secret)
        }
        guard credentials.id.utf8.count <= 64,
            let partner = try await partnerStore.partners().first(where: { $0.clientID == credentials.id }),
            partner.revokedAt == nil, partner.accepts(secret: credentials.secret)
        else { return Self.invalidClient(basic: basic != nil) }

        var scopes = partner.scopes
        if let asked = form["scope"] {
            let names = asked.split(separator: " ")
            let requested = Set(names.compactMap { PartnerScope(rawValue: String($0)) })
            guard requested.count == names.count, requested.isSubset(of: partner.scopes) else {
                return Self.oauthError(
                    .badRequest, "invalid_scope",
                    "scope must be among this client's: \(PartnerScope.text(partner.scopes))")
            }
            scopes = requested
        }
        if let retryAfter = partnerLimiter.take(partner.clientID, rate: partner.requestsPerSecond) {
            metrics.recordPartnerRequest(partner.clientID, status: 429, duration: .zero)
            throw APIError.rateLimited(retryAfter, "too many requests for this client; retry in \(retryAfter) s")
        }
        let now = clock.now()
        let token = PartnerToken(
            partner: partner, scopes: scopes, issuedAt: now, lifetime: configuration.partnerTokenLifetime.inWholeSeconds
        )
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("access_token", token.signed(with: hasher))
        writer.string("token_type", "Bearer")
        writer.int("expires_in", configuration.partnerTokenLifetime.inWholeSeconds)
        writer.string("scope", PartnerScope.text(scopes))
        writer.endObject()
        return Responses.json(writer.text, headers: [.pragma: "no-cache"])
    }

    private static func invalidClient(basic: Bool) -> Response {
        oauthError(
            .unauthorized, "invalid_client", "unknown client, wrong secret, or revoked client",
            headers: basic ? [.wwwAuthenticate: #"Basic realm="itinerary""#] : [:])
    }

    /// An RFC 6749 §5.2 error answer.
    private static func oauthError(
        _ status: HTTPResponse.Status, _ error: String, _ description: String, headers: HTTPFields = [:]
    ) -> Response {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("error", error)
        writer.string("error_description", description)
        writer.endObject()
        return Responses.json(writer.text, status: status, headers: headers)
    }
}
