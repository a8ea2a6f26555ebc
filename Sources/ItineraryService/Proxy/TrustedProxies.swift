import Foundation

/// The reverse proxies (TLS terminators, load balancers) whose `X-Forwarded-For` the service
/// believes. A request from anywhere else is its socket peer's, whatever headers it sends.
public struct TrustedProxies: Sendable, Hashable {
    public var ranges: [AddressRange]

    /// - Parameter ranges: the proxies' addresses; none (the default) trusts no header at all.
    public init(_ ranges: [AddressRange] = []) {
        self.ranges = ranges
    }

    func contains(_ address: IPAddress) -> Bool {
        ranges.contains { $0.contains(address) }
    }

    /// The client address of a request from `peer` carrying the `X-Forwarded-For` header
    /// lines `forwardedFor`. Only a trusted peer's header counts: its entries are walked from
    /// the right (the nearest hop first), skipping trusted proxies, and the first address that
    /// is not one is the client. A malformed entry ends the walk at the last trusted hop, since
    /// anything left of it may be made up by the client.
    public func client(peer: String, forwardedFor: [String]) -> String {
        guard !ranges.isEmpty, let peerAddress = IPAddress(peer), contains(peerAddress) else { return peer }
        var client = peerAddress
        for entry in forwardedFor.flatMap({ $0.split(separator: ",") }).reversed() {
            guard let hop = IPAddress(entry.trimmingCharacters(in: .whitespaces)) else { break }
            client = hop
            if !contains(hop) { break }
        }
        return client.description
    }
}
