import Hummingbird

/// Headers every response carries, errors and the page included: no framing by other sites, no
/// MIME sniffing. A response that sets its own Content-Security-Policy (the page) keeps it.
/// Outermost, it also answers the ``APIError``s (any `HTTPResponseError`) thrown inside, so
/// they carry these headers too, and strips the body of every answer to a HEAD request.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = LookupRequestContext

    /// For JSON and text responses: nothing may load from them or frame them.
    static let defaultPolicy = "default-src 'none'; frame-ancestors 'none'"

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        Self.apply(to: &response.headers)
        // A HEAD answer has no body, errors included (the router strips only its own HEAD routes').
        return request.method == .head ? response.createHeadResponse() : response
    }

    /// Adds the headers to `headers` (also used for answers the connection gives itself).
    static func apply(to headers: inout HTTPFields) {
        if headers[.contentSecurityPolicy] == nil {
            headers[.contentSecurityPolicy] = defaultPolicy
        }
        headers[.xContentTypeOptions] = "nosniff"
        headers[.xFrameOptions] = "DENY"
    }
}
