import Hummingbird
import ItineraryCore

/// Checks a lookup service's access token (``PartnerToken``, from `POST /v1/oauth/token`) for
/// the routes of its group (`/v1/partner/…`), refuses a revoked or rotated partner (as
/// ``PartnerDirectory`` last read it), applies the partner's request rate (429 `rate_limited`
/// with `Retry-After`, ``PartnerRateLimiter``) and puts the partner in the context. Counts every
/// request per partner (``ServiceMetrics``). 401 `invalid_token` otherwise.
struct PartnerTokenMiddleware: RouterMiddleware {
    typealias Context = LookupRequestContext

    let service: LookupService

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        guard let text = request.headers[.authorization].flatMap(BearerTokenMiddleware.bearerToken),
            let token = PartnerToken(verifying: text, hasher: service.hasher, now: service.clock.now()),
            let partner = try await service.partner(token.clientID), token.admits(partner)
        else { throw APIError.invalidToken }
        let metrics = service.metrics
        if let retryAfter = service.partnerLimiter.take(partner.clientID, rate: partner.requestsPerSecond) {
            metrics.recordPartnerRequest(partner.clientID, status: 429, duration: .now - started)
            throw APIError.rateLimited(
                retryAfter,
                "\(partner.name) is over its \(partner.requestsPerSecond) requests per second; retry in \(retryAfter) s"
            )
        }
        var context = context
        context.partner = partner
        context.partnerScopes = token.scopes(of: partner)
        do {
            let response = try await next(request, context)
            metrics.recordPartnerRequest(partner.clientID, status: Int(response.status.code), duration: .now - started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.recordPartnerRequest(partner.clientID, status: Int(status), duration: .now - started)
            throw error
        }
    }
}
