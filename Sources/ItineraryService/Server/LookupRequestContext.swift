import Hummingbird

/// The request context: Hummingbird's core storage plus the peer's IP address.
struct LookupRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The socket peer's IP address, `unknown` if not an IP socket.
    let peerAddress: String

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}
