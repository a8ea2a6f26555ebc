import Crypto

/// The signature on every request between the service and its SMS gateway, both ways:
/// `X-Signature: hex(HMAC-SHA256(secret, "<X-Timestamp>\n<X-Nonce>\n<raw body>"))`, where
/// `X-Timestamp` is Unix seconds and `X-Nonce` a one-time value of 8 to 64 characters
/// `[A-Za-z0-9_-]`. Signing the time and the nonce lets the receiver refuse stale and replayed
/// requests.
enum GatewaySignature {
    /// Lowercase hex of the MAC.
    static func sign(secret: [UInt8], timestamp: Int64, nonce: String, body: [UInt8]) -> String {
        Hex.encode(
            Array(
                HMAC<SHA256>.authenticationCode(for: message(timestamp, nonce, body), using: SymmetricKey(data: secret))
            ))
    }

    /// Checks a decoded signature in constant time.
    static func isValid(_ signature: [UInt8], secret: [UInt8], timestamp: Int64, nonce: String, body: [UInt8]) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(
            signature, authenticating: message(timestamp, nonce, body), using: SymmetricKey(data: secret))
    }

    /// Whether `nonce` has the accepted shape.
    static func isWellFormed(nonce: String) -> Bool {
        (8...64).contains(nonce.utf8.count)
            && nonce.utf8.allSatisfy {
                (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 45 || $0 == 95
            }
    }

    /// A fresh random nonce (32 hex digits).
    static func makeNonce() -> String {
        Hex.encode(SecureRandom.bytes(16))
    }

    private static func message(_ timestamp: Int64, _ nonce: String, _ body: [UInt8]) -> [UInt8] {
        Array("\(timestamp)\n\(nonce)\n".utf8) + body
    }
}
