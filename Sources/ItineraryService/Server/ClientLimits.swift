/// Per-client request limits, per minute.
public struct ClientLimits: Sendable, Hashable {
    /// Per client address.
    public var codeRequestsPerMinute: Int = 20
    public var verificationsPerMinute: Int = 20
    public var cardReadsPerMinute: Int = 60
    /// Code requests per network (IPv4 /24, IPv6 /64), all its addresses together; `nil`: a
    /// tenth of the service's SMS budget (``ServiceConfiguration/codeRequestsPerNetworkPerMinute``).
    public var codeRequestsPerNetwork: Int?

    public init() {}
}
