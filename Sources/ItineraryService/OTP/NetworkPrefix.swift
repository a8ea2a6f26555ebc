/// The network a client address belongs to, for the per-network share of code SMS: its IPv4
/// /24 or its IPv6 /64 (one subscriber's usual allocation, so one machine's many addresses
/// count as one network). An IPv4-mapped IPv6 address is its IPv4 network.
enum NetworkPrefix {
    static let ipv4Length = 24
    static let ipv6Length = 64

    /// `10.1.2.0/24`, `2001:db8:1:2::/64`; anything that is not an IP address stands for itself.
    static func of(client: String) -> String {
        guard let address = IPAddress(client) else { return client }
        let length = address.bytes.count == 4 ? ipv4Length : ipv6Length
        return AddressRange("\(address)/\(length)")?.description ?? client
    }
}
