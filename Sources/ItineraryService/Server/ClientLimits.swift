/// Per-client-address request limits, per minute.
public struct ClientLimits: Sendable, Hashable {
    public var codeRequestsPerMinute: Int = 20
    public var verificationsPerMinute: Int = 20
    public var cardReadsPerMinute: Int = 60

    public init() {}
}
