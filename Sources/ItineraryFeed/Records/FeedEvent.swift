/// The event kinds a feed record may carry (docs/feed-format.md). Only their validity matters to the cards.
enum FeedEvent {
    static let names = ["attach", "detach", "lu", "ho", "call", "sms", "data"]

    /// Each name and its length packed into an integer, so a field is checked without building a string.
    static let packedNames: [UInt64] = names.map { pack($0.utf8) }

    @inline(__always)
    static func isKnown(_ bytes: UnsafeBufferPointer<UInt8>, names: [UInt64]) -> Bool {
        guard (2...6).contains(bytes.count) else { return false }
        let packed = pack(bytes)
        for name in names where name == packed { return true }
        return false
    }

    @inline(__always)
    private static func pack(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var packed: UInt64 = 0
        var count: UInt64 = 0
        for byte in bytes {
            packed = packed << 8 | UInt64(byte)
            count += 1
        }
        // The length keeps a leading NUL byte from matching a shorter name.
        return packed << 8 | count
    }
}
