/// A stored one-time code: only its keyed hash, never the code itself.
struct OTPRecord: Sendable, Hashable {
    var codeHash: [UInt8]
    var issuedAt: Int64
    var expiresAt: Int64
    /// Wrong codes tried so far.
    var wrongAttempts: Int
}
