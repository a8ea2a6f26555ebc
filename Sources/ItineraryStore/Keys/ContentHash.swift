import Crypto

/// SHA-256 of a file's bytes: the identity of a feed file in the ledger, whatever its name.
public enum ContentHash {
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }
}
