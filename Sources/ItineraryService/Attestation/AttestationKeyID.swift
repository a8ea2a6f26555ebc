import Crypto

/// The short id of a signing key: base64url of the first 8 bytes of SHA-256(raw public key).
enum AttestationKeyID {
    static func of(publicKey: [UInt8]) -> String {
        Base64URL.encode(SHA256.hash(data: publicKey).prefix(8))
    }
}
