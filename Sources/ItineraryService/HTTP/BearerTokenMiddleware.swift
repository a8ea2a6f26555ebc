import Foundation
import Hummingbird
import ItineraryCore

/// Checks the request's Bearer token for the routes of its group (`GET /v1/itinerary`,
/// `GET /v1/itinerary/code`) and puts its holder in the context; 401 `invalid_token` otherwise.
/// Each check counts as a card re-read against the client's limit.
struct BearerTokenMiddleware: RouterMiddleware {
    typealias Context = LookupRequestContext

    let service: LookupService

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let token = request.headers[.authorization].flatMap(Self.bearerToken) else {
            throw APIError.invalidToken
        }
        var context = context
        context.bearer = try await service.tokenHolder(
            token: token, client: service.client(of: request, context: context), now: service.clock.now())
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer <token>` value. The scheme is case-insensitive
    /// (RFC 7235 §2.1: `bearer`, `BEARER`); spaces around the token are ignored.
    static func bearerToken(_ authorization: String) -> String? {
        guard let space = authorization.firstIndex(of: " "), authorization[..<space].lowercased() == "bearer" else {
            return nil
        }
        return authorization[space...].trimmingCharacters(in: .whitespaces)
    }
}
