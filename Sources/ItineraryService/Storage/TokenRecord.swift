/// A stored access token (looked up by the hash of the token).
struct TokenRecord: Sendable, Hashable {
    var phoneKey: [UInt8]
    var client: String
    var phoneSealed: [UInt8]
    var expiresAt: Int64

    /// Whether the token lets `client` in at `now`.
    func admits(client: String, now: Int64) -> Bool {
        now < expiresAt && ConstantTime.equal(Array(self.client.utf8), Array(client.utf8))
    }
}
