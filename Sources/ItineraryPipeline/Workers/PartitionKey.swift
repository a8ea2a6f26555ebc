import ItineraryCore

/// A phone's key in an engine split by phone: `spread` picks the partition that owns it.
protocol PartitionKey: Hashable, Sendable {
    /// Bits spread evenly over the keys (the high half picks the partition).
    var spread: UInt64 { get }
}

extension Phone: PartitionKey {
    /// Fibonacci hashing of the number: consecutive numbers land far apart.
    var spread: UInt64 { number &* 0x9E37_79B9_7F4A_7C15 }
}

extension PhoneKey: PartitionKey {
    /// The key is already a uniformly random digest.
    var spread: UInt64 { words.0 }
}
