import Hummingbird
import ItineraryPostgres
import ItineraryStore
import Logging
import NIOCore
import NIOHTTP1
import Prometheus

/// Turns what handlers and Hummingbird throw into an ``APIError`` (which answers itself as
/// JSON): an unreachable database is 503 `service_unavailable`, Hummingbird's 404 is 405 with
/// `Allow` on a path that answers other methods, a request that cannot be read is 400
/// `malformed_request` (or, when the client hung up, 499, not an error), and anything else is
/// 500 `internal_error` (logged, never shown).
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = LookupRequestContext

    let metrics: ServiceMetrics
    /// The methods each path answers.
    let routes: RouteMethods
    /// Told of every database failure (the card cache drops what it holds).
    let onDatabaseUnavailable: @Sendable () -> Void

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch {
            throw apiError(for: error, request: request, context: context)
        }
    }

    func apiError(for error: any Error, request: Request, context: Context) -> APIError {
        switch error {
        case let error as DatabaseUnavailable:
            return databaseUnavailable(error.reason, context: context)
        case let error as PostgresError where error.isConnectionFailure:
            return databaseUnavailable(error.message, context: context)
        case is CancellationError:
            // The request's task was cancelled (its client or the server going away) while it
            // waited for the database (`DatabasePool.run` stops waiting then): not a fault.
            context.logger.debug("the request was cancelled")
            return .clientClosedRequest
        case HTTPParserError.invalidEOFState:
            context.logger.debug("the client hung up before its request arrived")
            return .clientClosedRequest
        case is HTTPParserError:
            context.logger.debug("malformed request", metadata: ["error": "\(error)"])
            return .malformedRequest
        case is NIOTooManyBytesError:
            return .payloadTooLarge
        case let error as any HTTPResponseError where error.status == .notFound:
            let allowed = routes.methods(forPath: request.uri.path)
            guard !allowed.isEmpty else { return .notFound }
            // Counted under the path, not as an unknown one.
            context.coreContext.endpointPath.value = RouterPath(request.uri.path).description
            return .methodNotAllowed(request.method, allowed: allowed)
        case let error as any HTTPResponseError:
            return APIError(status: error.status, code: "http_\(error.status.code)", message: error.status.reasonPhrase)
        default:
            context.logger.error("internal error", metadata: ["error": "\(error)"])
            return .internal
        }
    }

    private func databaseUnavailable(_ reason: String, context: Context) -> APIError {
        metrics.databaseUnavailable.increment()
        context.logger.warning("database unavailable", metadata: ["reason": "\(reason)"])
        onDatabaseUnavailable()
        return .serviceUnavailable
    }
}
