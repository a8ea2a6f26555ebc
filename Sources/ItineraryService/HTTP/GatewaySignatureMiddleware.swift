import Hummingbird
import ItineraryCore

/// Authenticates the SMS gateway's callbacks (the routes of its group, `POST /v1/sms/inbound`):
/// `X-Timestamp`, `X-Nonce` and `X-Signature` over the raw body (``GatewaySignature``). 401
/// `invalid_signature` on a missing or bad signature, 401 `stale_timestamp` when the timestamp
/// is more than ``LookupService/inboundClockSkew`` off the service clock, 409 `replayed` for a
/// nonce already used (kept in PostgreSQL, shared by every instance); 404 while no inbound
/// secret is configured. The handler gets the request with its body read.
struct GatewaySignatureMiddleware: RouterMiddleware {
    typealias Context = LookupRequestContext

    let service: LookupService

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var request = request
        let raw = Array(try await request.collectLimitedBody(context: context).readableBytesView)
        guard let secret = service.configuration.inboundSecret else {
            throw APIError(status: .notFound, code: "not_found", message: "inbound SMS are not configured")
        }
        guard let timestamp = request.headers[.xTimestamp].flatMap({ Int64($0) }),
            let nonce = request.headers[.xNonce], GatewaySignature.isWellFormed(nonce: nonce),
            let signature = request.headers[.xSignature].flatMap(Hex.decode),
            GatewaySignature.isValid(signature, secret: secret, timestamp: timestamp, nonce: nonce, body: raw)
        else { throw APIError.invalidSignature }
        let skew = LookupService.inboundClockSkew
        guard abs(service.clock.now() - timestamp) <= skew else { throw APIError.staleTimestamp }
        // Kept until its timestamp can no longer pass the check above.
        guard try await service.stores.nonces.useNonce(nonce, expiresAt: timestamp + skew + 60) else {
            throw APIError.replayed
        }
        return try await next(request, context)
    }
}
