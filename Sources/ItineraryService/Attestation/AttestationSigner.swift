import Crypto
import Foundation
import ItineraryStore

/// Signs attestations with Ed25519: `base64url(payload JSON) + "." + base64url(signature)`,
/// the signature covering the ASCII of the first part (as in JWS compact form).
public struct AttestationSigner: Sendable {
    /// Crypto's key types are not marked `Sendable`, but a private key is immutable and signing
    /// with it is thread-safe; rebuilding it from raw bytes per signature doubled the cost.
    private final class KeyBox: @unchecked Sendable {
        let key: Curve25519.Signing.PrivateKey
        init(_ key: Curve25519.Signing.PrivateKey) { self.key = key }
    }

    private let privateKey: KeyBox

    /// The raw 32-byte public key that verifiers need.
    public let publicKey: [UInt8]
    /// ``AttestationKeyID`` of ``publicKey``.
    public let keyID: String

    public init(privateKey: Curve25519.Signing.PrivateKey) {
        self.privateKey = KeyBox(privateKey)
        publicKey = Array(privateKey.publicKey.rawRepresentation)
        keyID = AttestationKeyID.of(publicKey: publicKey)
    }

    /// A fresh random key (tests, ephemeral servers).
    public static func random() -> AttestationSigner {
        AttestationSigner(privateKey: Curve25519.Signing.PrivateKey())
    }

    /// Loads the key from `directory/attestation-ed25519.key` (raw 32-byte seed, mode 0600),
    /// generating it on first use, and writes the public key next to it as
    /// `attestation-ed25519.pub` and `attestation-ed25519.<key id>.pub` (base64url text) for
    /// distribution to venue terminals. The second copy stays when the key is rotated (the
    /// `.key` file removed), so codes signed by the old key verify until they expire.
    public static func loadOrCreate(inDirectory directory: String) throws -> AttestationSigner {
        let path = directory + "/attestation-ed25519.key"
        let seed = try SecretFile.loadOrCreate(
            at: path,
            generate: { Array(Curve25519.Signing.PrivateKey().rawRepresentation) },
            validate: { $0.count == 32 }
        )
        let signer = AttestationSigner(privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: seed))
        let publicText = Base64URL.encode(signer.publicKey) + "\n"
        try? publicText.write(toFile: directory + "/attestation-ed25519.pub", atomically: true, encoding: .utf8)
        try? publicText.write(
            toFile: AttestationKeyFiles.path(inDirectory: directory, keyID: signer.keyID), atomically: true,
            encoding: .utf8)
        return signer
    }

    /// The compact signed token for `payload`.
    public func sign(_ payload: AttestationPayload) throws -> String {
        let head = Base64URL.encode(Array(payload.json.utf8))
        let signature = try privateKey.key.signature(for: Array(head.utf8))
        return head + "." + Base64URL.encode(signature)
    }

    /// The ``CardCode`` of `payload`, `nil` when it cannot be represented compactly.
    public func signCode(_ payload: AttestationPayload) throws -> String? {
        guard let bytes = CardCode.encode(payload) else { return nil }
        let head = CardCode.prefix + Base64URL.encode(bytes)
        let signature = try privateKey.key.signature(for: Array(head.utf8))
        return head + "." + Base64URL.encode(signature)
    }

    /// A verifier for this signer's key (a key made from a private key needs no checking).
    public var verifier: AttestationVerifier {
        AttestationVerifier(checkedKeys: [keyID: publicKey], revoked: [])
    }
}
