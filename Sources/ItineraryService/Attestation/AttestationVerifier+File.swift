import Foundation

extension AttestationVerifier {
    /// A verifier from a public-key file as the signer writes it (`attestation-ed25519.pub`:
    /// base64url of the raw key), for terminals that verify offline.
    public init(publicKeyFile path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let key = Base64URL.decode(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path]) }
        try self.init(publicKey: key)
    }
}
