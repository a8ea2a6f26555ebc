import Crypto
import Foundation

/// The public keys published in a state directory: `attestation-ed25519.pub` (the current key,
/// as `itinerary verify --key` has always read it) and `attestation-ed25519.<key id>.pub` (the
/// current key and every retired one still kept), each base64url of the raw 32-byte key.
public enum AttestationKeyFiles {
    /// Where the public key with id `keyID` is published.
    public static func path(inDirectory directory: String, keyID: String) -> String {
        directory + "/attestation-ed25519.\(keyID).pub"
    }

    /// Every readable, well-formed published key in `directory`; unreadable files are skipped.
    public static func publicKeys(inDirectory directory: String) -> [[UInt8]] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("attestation-ed25519.") && $0.hasSuffix(".pub") }.sorted().compactMap {
            name in
            guard let text = try? String(contentsOfFile: directory + "/" + name, encoding: .utf8),
                let key = Base64URL.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                (try? Curve25519.Signing.PublicKey(rawRepresentation: key)) != nil
            else { return nil }
            return key
        }
    }
}
