import Crypto

/// Keyed hashing of short-lived secrets (one-time codes, bearer tokens) under the server
/// secret, so a database dump alone cannot be brute-forced: a 6-digit code has only 10⁶ values.
struct SecretHasher: Sendable {
    private let secret: [UInt8]

    init(secret: [UInt8]) { self.secret = secret }

    /// The hash of a one-time code, bound to the phone it was sent to.
    func codeHash(phoneKey: [UInt8], code: String) -> [UInt8] {
        mac(Array("otp\u{0}".utf8) + phoneKey + Array(code.utf8))
    }

    /// The hash of a bearer token's raw bytes, the only form stored.
    func tokenHash(_ token: [UInt8]) -> [UInt8] {
        mac(Array("token\u{0}".utf8) + token)
    }

    /// The MAC of a partner access token's payload (``PartnerToken``).
    func partnerTokenMAC(_ payload: [UInt8]) -> [UInt8] {
        mac(Array("partner-token\u{0}".utf8) + payload)
    }

    private func mac(_ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
    }
}
