import Crypto
import Foundation

/// Checks attestations offline with the service's Ed25519 public key; what a venue terminal runs.
public struct AttestationVerifier: Sendable {
    private let publicKeyBytes: [UInt8]
    public let keyID: String
    /// Tolerated clock difference between issuer and verifier, in seconds.
    public var clockSkew: Int64

    /// - Parameter publicKey: the raw 32-byte key (``AttestationSigner/publicKey``).
    public init(publicKey: [UInt8], clockSkew: Int64 = 60) throws {
        _ = try Curve25519.Signing.PublicKey(rawRepresentation: publicKey)
        publicKeyBytes = publicKey
        keyID = AttestationKeyID.of(publicKey: publicKey)
        self.clockSkew = clockSkew
    }

    /// Verifies `token` at time `now` (Unix seconds).
    public func verify(_ token: String, now: Int64) -> AttestationVerdict {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let json = Base64URL.decode(parts[0]), let signature = Base64URL.decode(parts[1]),
              let payload = try? JSONDecoder().decode(AttestationPayload.self, from: Data(json)),
              payload.version == 1
        else { return .malformed }
        guard payload.keyID == keyID else { return .unknownKey }
        guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKeyBytes),
              publicKey.isValidSignature(signature, for: Array(parts[0].utf8))
        else { return .badSignature }
        if now >= payload.expiresAt + clockSkew || payload.issuedAt > now + clockSkew {
            return .expired(payload)
        }
        return .valid(payload)
    }
}
