/// A range of IP addresses in CIDR notation: `10.0.0.0/8`, `192.0.2.7` (one address),
/// `2001:db8::/32`, `::1`.
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    let network: IPAddress
    let prefixLength: Int

    /// Parses CIDR notation; `nil` for anything else. Bits set past the prefix are cleared.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let network = IPAddress(parts[0]) else { return nil }
        // An IPv4-mapped IPv6 range (`::ffff:10.0.0.0/104`) is the IPv4 range of its last 32 bits.
        let mapped = network.bytes.count == 4 && parts[0].contains(":")
        let bits = mapped ? 128 : network.bytes.count * 8
        if parts.count == 2 {
            guard let length = Int(parts[1]), ((mapped ? 96 : 0)...bits).contains(length) else { return nil }
            prefixLength = mapped ? length - 96 : length
        } else {
            prefixLength = network.bytes.count * 8
        }
        var bytes = network.bytes
        var remaining = prefixLength
        for index in bytes.indices {
            bytes[index] &= Self.mask(remaining)
            remaining = max(0, remaining - 8)
        }
        self.network = IPAddress(bytes: bytes)
    }

    /// The mask of one byte with `bits` of the prefix left (8 or more: the whole byte).
    private static func mask(_ bits: Int) -> UInt8 {
        bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
    }

    /// Whether `address` is in the range (an IPv4 address is never in an IPv6 range, or the reverse).
    func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        var remaining = prefixLength
        for (a, b) in zip(address.bytes, network.bytes) where remaining > 0 {
            guard a & Self.mask(remaining) == b else { return false }
            remaining -= 8
        }
        return true
    }

    public var description: String { "\(network)/\(prefixLength)" }
}
