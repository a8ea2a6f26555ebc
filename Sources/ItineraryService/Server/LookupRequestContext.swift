import Hummingbird
import NIOCore

/// The request context: Hummingbird's core storage, the peer's IP address, and the token's
/// holder on the routes that need one.
struct LookupRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The socket peer's IP address, `unknown` if not an IP socket (the unit tests' router has
    /// no socket and sets it).
    var peerAddress: String
    /// The holder of the request's Bearer token, once ``BearerTokenMiddleware`` has checked it.
    var bearer: TokenCache.Entry?
    /// The partner behind the request's partner token, once ``PartnerTokenMiddleware`` has checked it.
    var partner: Partner?
    /// What the partner's token lets it do.
    var partnerScopes: Set<PartnerScope> = []

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Largest request body: 4 KiB (413 `payload_too_large` past it).
    var maxUploadSize: Int { 4096 }

    /// JSON bodies, with the service's errors.
    var requestDecoder: JSONRequestDecoder { JSONRequestDecoder() }

    /// The token's holder; 401 `invalid_token` on a route outside the token group.
    func requireBearer() throws -> TokenCache.Entry {
        guard let bearer else { throw APIError.invalidToken }
        return bearer
    }
}
