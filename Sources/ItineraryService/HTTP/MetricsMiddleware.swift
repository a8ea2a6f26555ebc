import Hummingbird

/// Counts and times every request by matched route (`unmatched` for unknown paths), method and status.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = LookupRequestContext

    let metrics: ServiceMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        metrics.recordRequest(
            route: context.endpointPath ?? "unmatched", method: request.method.rawValue,
            status: response.status.code, duration: ContinuousClock.now - start
        )
        return response
    }
}
