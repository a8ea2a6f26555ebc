import Crypto
import Foundation

/// Checks attestations offline with the service's Ed25519 public keys; what a venue terminal runs.
///
/// Accepts both forms the service signs: the card JSON's `<payload>.<signature>` and the QR code's
/// ``CardCode`` (`ITC1.…`). Holds several keys by id, so codes signed before a key rotation
/// still verify until they expire.
public struct AttestationVerifier: Sendable {
    /// Raw 32-byte public keys by ``AttestationKeyID``.
    private let publicKeys: [String: [UInt8]]
    /// Tolerated clock difference between issuer and verifier, in seconds.
    public var clockSkew: Int64

    /// - Parameter publicKey: the raw 32-byte key (``AttestationSigner/publicKey``).
    public init(publicKey: [UInt8], clockSkew: Int64 = 60) throws {
        try self.init(publicKeys: [publicKey], clockSkew: clockSkew)
    }

    /// A verifier accepting any of `publicKeys` (raw 32-byte keys; duplicates are fine).
    public init(publicKeys: [[UInt8]], clockSkew: Int64 = 60) throws {
        var keys: [String: [UInt8]] = [:]
        for key in publicKeys {
            _ = try Curve25519.Signing.PublicKey(rawRepresentation: key)
            keys[AttestationKeyID.of(publicKey: key)] = key
        }
        self.publicKeys = keys
        self.clockSkew = clockSkew
    }

    /// The accepted keys as `(id, raw key)`, sorted by id.
    public var keys: [(id: String, publicKey: [UInt8])] {
        publicKeys.sorted { $0.key < $1.key }.map { (id: $0.key, publicKey: $0.value) }
    }

    /// Verifies `token` — either form, surrounding whitespace ignored (a scanner's newline) — at
    /// time `now` (Unix seconds).
    public func verify(_ token: String, now: Int64) -> AttestationVerdict {
        let token = token.trimmingCharacters(in: .whitespacesAndNewlines)
        let isCode = token.hasPrefix(CardCode.prefix)
        let parts = token.dropFirst(isCode ? CardCode.prefix.utf8.count : 0).split(
            separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let body = Base64URL.decode(parts[0]), let signature = Base64URL.decode(parts[1]) else {
            return .malformed
        }
        let payload: AttestationPayload
        if isCode {
            guard let decoded = CardCode.decode(body) else { return .malformed }
            payload = decoded
        } else {
            guard let decoded = try? JSONDecoder().decode(AttestationPayload.self, from: Data(body)),
                decoded.version == 1
            else {
                return .malformed
            }
            payload = decoded
        }
        guard let keyBytes = publicKeys[payload.keyID] else { return .unknownKey }
        let signed = token.utf8.prefix(token.utf8.count - parts[1].utf8.count - 1)
        guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes),
            publicKey.isValidSignature(signature, for: Array(signed))
        else { return .badSignature }
        if now >= payload.expiresAt + clockSkew || payload.issuedAt > now + clockSkew {
            return .expired(payload)
        }
        return .valid(payload)
    }
}
