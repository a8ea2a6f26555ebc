import Crypto
import Foundation
import ItineraryCore

/// Checks attestations offline with the service's Ed25519 public keys; what a venue terminal runs.
///
/// Accepts both forms the service signs: the card JSON's `<payload>.<signature>` and the QR code's
/// ``CardCode`` (`ITC1.…`). Holds several keys by id, so codes signed before a key rotation
/// still verify until they expire, and refuses those of withdrawn keys. Whatever a code says of
/// itself, it passes only if its validity is no longer than the service issues and its expiry
/// has not passed by more than ``clockSkew``.
public struct AttestationVerifier: Sendable {
    /// The tolerated clock difference between issuer and verifier: a code passes until
    /// `exp + 30 s`, and one issued up to 30 s in the verifier's future passes too.
    public static let defaultClockSkew: Duration = .seconds(30)
    /// The longest validity the service gives a card code (the QR) and an attestation.
    public static let defaultCodeLifetime: Duration = .seconds(180)
    public static let defaultAttestationLifetime: Duration = .seconds(600)

    /// Raw 32-byte public keys by ``AttestationKeyID``.
    private let publicKeys: [String: [UInt8]]
    /// Ids of withdrawn keys: refused even when their public key is still held.
    public let revoked: Set<String>
    /// Tolerated clock difference between issuer and verifier (counted in whole seconds, as
    /// codes carry their times).
    public var clockSkew: Duration = defaultClockSkew
    /// Longest accepted `exp - iat` of a ``CardCode`` and of a JSON attestation.
    public var maxCodeLifetime: Duration = defaultCodeLifetime
    public var maxAttestationLifetime: Duration = defaultAttestationLifetime

    /// - Parameter publicKey: the raw 32-byte key (``AttestationSigner/publicKey``).
    public init(publicKey: [UInt8]) throws {
        try self.init(publicKeys: [publicKey])
    }

    /// A verifier accepting any of `publicKeys` (raw 32-byte keys; duplicates are fine) except
    /// those whose id is in `revoked`.
    /// - Throws: when a key is not an Ed25519 public key.
    public init(publicKeys: [[UInt8]], revoked: Set<String> = []) throws {
        var keys: [String: [UInt8]] = [:]
        for key in publicKeys {
            _ = try Curve25519.Signing.PublicKey(rawRepresentation: key)
            keys[AttestationKeyID.of(publicKey: key)] = key
        }
        self.init(checkedKeys: keys, revoked: revoked)
    }

    /// Keys already known to be valid Ed25519 public keys, by id.
    init(checkedKeys: [String: [UInt8]], revoked: Set<String>) {
        publicKeys = checkedKeys.filter { !revoked.contains($0.key) }
        self.revoked = revoked
    }

    /// The accepted keys as `(id, raw key)`, sorted by id (withdrawn ones left out).
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
                decoded.version == 1, CardStatus(rawValue: decoded.status) != nil
            else {
                return .malformed
            }
            payload = decoded
        }
        // A withdrawn key's signature proves nothing: whoever took the key can make any.
        if revoked.contains(payload.keyID) { return .revoked }
        guard let keyBytes = publicKeys[payload.keyID] else { return .unknownKey }
        let signed = token.utf8.prefix(token.utf8.count - parts[1].utf8.count - 1)
        guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes),
            publicKey.isValidSignature(signature, for: Array(signed))
        else { return .badSignature }
        let lifetime = payload.expiresAt - payload.issuedAt
        guard lifetime > 0 else { return .malformed }
        if lifetime > (isCode ? maxCodeLifetime : maxAttestationLifetime).inWholeSeconds { return .tooLong }
        let skew = clockSkew.inWholeSeconds
        if now >= payload.expiresAt + skew || payload.issuedAt > now + skew {
            return .expired(payload)
        }
        // A gray card's code is authentic, but says the store cannot vouch for the phone.
        if payload.status != CardStatus.current.rawValue || payload.color == "gray" { return .gray(payload) }
        return .valid(payload)
    }
}
