import Hummingbird
import ItineraryStore
import Logging
import Prometheus

/// Turns every thrown error into the JSON error shape: ``APIError`` as is, an unreachable
/// database as 503 `service_unavailable`, Hummingbird's own errors (404…) by status, and
/// anything else as 500 `internal_error` (logged, never shown).
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = LookupRequestContext

    let metrics: ServiceMetrics
    /// Told of every database failure (the card cache drops what it holds).
    let onDatabaseUnavailable: @Sendable () -> Void

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = Self.apiError(for: error, context: context, metrics: metrics)
            if apiError.status == .serviceUnavailable { onDatabaseUnavailable() }
            return Responses.error(apiError)
        }
    }

    static func apiError(for error: any Error, context: Context, metrics: ServiceMetrics) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as DatabaseUnavailable:
            metrics.databaseUnavailable.increment()
            context.logger.warning("database unavailable", metadata: ["reason": "\(error.reason)"])
            return .serviceUnavailable
        case let error as PostgresError where error.isConnectionFailure:
            metrics.databaseUnavailable.increment()
            context.logger.warning("database unavailable", metadata: ["reason": "\(error.message)"])
            return .serviceUnavailable
        case let error as any HTTPResponseError:
            switch error.status {
            case .notFound: return .notFound
            case .methodNotAllowed:
                return APIError(status: .methodNotAllowed, code: "method_not_allowed", message: "method not allowed")
            case .contentTooLarge: return .payloadTooLarge
            default:
                return APIError(
                    status: error.status, code: "http_\(error.status.code)", message: error.status.reasonPhrase)
            }
        default:
            context.logger.error("internal error", metadata: ["error": "\(error)"])
            return .internal
        }
    }
}
