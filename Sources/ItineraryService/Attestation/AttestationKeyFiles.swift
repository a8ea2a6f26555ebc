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

    /// Every readable, well-formed published key in `directory` with its file; unreadable
    /// files are skipped.
    public static func published(inDirectory directory: String) -> [(path: String, publicKey: [UInt8])] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("attestation-ed25519.") && $0.hasSuffix(".pub") }.sorted().compactMap {
            name in
            let path = directory + "/" + name
            guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                let key = Base64URL.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                (try? Curve25519.Signing.PublicKey(rawRepresentation: key)) != nil
            else { return nil }
            return (path, key)
        }
    }

    /// Every readable, well-formed published key in `directory`.
    public static func publicKeys(inDirectory directory: String) -> [[UInt8]] {
        published(inDirectory: directory).map(\.publicKey)
    }

    /// The id of every published key (``AttestationKeyID``), each once.
    public static func keyIDs(inDirectory directory: String) -> Set<String> {
        Set(publicKeys(inDirectory: directory).map { AttestationKeyID.of(publicKey: $0) })
    }

    /// The id of the key in `attestation-ed25519.pub`, the one the service signed with when it
    /// last started; `nil` when there is none.
    public static func currentKeyID(inDirectory directory: String) -> String? {
        published(inDirectory: directory).first { $0.path.hasSuffix("/attestation-ed25519.pub") }.map {
            AttestationKeyID.of(publicKey: $0.publicKey)
        }
    }

    /// Deletes every published copy of the key `keyID` in `directory`; returns the files removed.
    public static func unpublish(keyID: String, inDirectory directory: String) throws -> [String] {
        let copies = published(inDirectory: directory).filter { AttestationKeyID.of(publicKey: $0.publicKey) == keyID }
        for copy in copies { try FileManager.default.removeItem(atPath: copy.path) }
        return copies.map(\.path)
    }
}
