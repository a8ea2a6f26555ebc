/// Which shard holds a phone: the first 8 bytes of its key, read big-endian as a fraction of
/// 2^64, scaled to the shard count (`(prefix × count) >> 64`). So shard `i` holds one contiguous
/// range of key prefixes, `[bound(i), bound(i + 1))`, and a store partitioned by RANGE on the
/// bytea key with the same bounds routes every phone to the node that applied its feed.
///
/// A range of prefixes rather than a modulus: the bounds are plain bytea values PostgreSQL
/// compares itself, with no hash function to reproduce. The key is an HMAC, so the ranges
/// hold equal shares of phones.
public struct PhoneShards: Hashable, Sendable {
    /// Number of shards, at least 1.
    public let count: Int

    public init(count: Int) {
        precondition(count >= 1, "a store has at least one shard")
        self.count = count
    }

    /// The shard (0 ..< count) holding the phone with `key`.
    @inlinable
    public func shard(of key: PhoneKey) -> Int {
        Int(key.words.0.multipliedFullWidth(by: UInt64(count)).high)
    }

    /// The smallest 8-byte key prefix of shard `index` (0 ..< count): ⌈index × 2^64 / count⌉,
    /// big-endian; `nil` for shard 0, whose range starts at the smallest key.
    public func lowerBound(of index: Int) -> [UInt8]? {
        precondition((0..<count).contains(index), "no shard \(index) of \(count)")
        guard index > 0 else { return nil }
        // ⌈index × 2^64 / count⌉ = ⌊(index × 2^64 − 1) / count⌋ + 1, computed in 128 bits.
        let (quotient, _) = UInt64(count).dividingFullWidth((high: UInt64(index) - 1, low: .max))
        let bound = quotient &+ 1
        return (0..<8).reversed().map { UInt8(truncatingIfNeeded: bound >> ($0 * 8)) }
    }
}
