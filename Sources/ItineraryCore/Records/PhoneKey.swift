/// The store's key for a phone: the HMAC-SHA-256 of its normalised number under a secret kept
/// outside the database (README, Privacy). 32 bytes held inline so it hashes and compares fast.
public struct PhoneKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let words: (UInt64, UInt64, UInt64, UInt64)

    /// A key from its four big-endian words (as `words` gives them).
    public init(words: (UInt64, UInt64, UInt64, UInt64)) {
        self.words = words
    }

    /// Wraps a 32-byte digest; `nil` for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        for (index, byte) in bytes.enumerated() { words[index / 8] = words[index / 8] << 8 | UInt64(byte) }
        self.words = (words[0], words[1], words[2], words[3])
    }

    /// The 32 bytes, big-endian word by word (the digest's own order).
    public var bytes: [UInt8] {
        [words.0, words.1, words.2, words.3].flatMap { word in
            (0..<8).reversed().map { UInt8(truncatingIfNeeded: word >> ($0 * 8)) }
        }
    }

    public static func == (lhs: PhoneKey, rhs: PhoneKey) -> Bool {
        lhs.words == rhs.words
    }

    public func hash(into hasher: inout Hasher) {
        // The key is already a uniformly random digest: one word is plenty.
        hasher.combine(words.0)
    }

    public static func < (lhs: PhoneKey, rhs: PhoneKey) -> Bool { lhs.words < rhs.words }

    public var description: String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
