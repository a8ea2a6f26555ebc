/// A token to store when a code is accepted.
struct NewToken: Sendable, Hashable {
    var tokenHash: [UInt8]
    var client: String
    var phoneSealed: [UInt8]
    var issuedAt: Int64
    var expiresAt: Int64
}
