import Hummingbird

/// Headers every response carries, errors and the page included: no framing by other sites, no
/// MIME sniffing. A response that sets its own Content-Security-Policy (the page) keeps it.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = LookupRequestContext

    /// For JSON and text responses: nothing may load from them or frame them.
    static let defaultPolicy = "default-src 'none'; frame-ancestors 'none'"

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = Self.defaultPolicy
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        return response
    }
}
