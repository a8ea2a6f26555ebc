import ItineraryCore

/// A phone's key in an engine split by phone: `spread` picks the partition that owns it.
protocol PartitionKey: Hashable, Sendable {
    /// Bits spread evenly over the keys (the high half picks the partition).
    var spread: UInt64 { get }
}

extension Phone: PartitionKey {
    var spread: UInt64 { Self.spread(of: number) }

    /// Fibonacci hashing of a number: consecutive numbers land far apart, and every digit moves
    /// the high bits.
    static func spread(of number: UInt64) -> UInt64 { number &* 0x9E37_79B9_7F4A_7C15 }
}

extension PhoneKey: PartitionKey {
    /// The key is already a uniformly random digest.
    var spread: UInt64 { words.0 }
}
