import Crypto
import ItineraryCore

/// Seals the cell id a replayable reject keeps (`rejects.cell_sealed`): a valid cell id can have
/// 11 digits (up to 68719476735), and a phone number misplaced in the `cell_id` field is a valid
/// cell id, so the store keeps none in clear, not even as an integer (`SELECT cell_id` would
/// print it). ChaCha20-Poly1305 under a key derived (HKDF-SHA-256) from the phone-key secret,
/// which is never in the database; bound to the phone's key, so a sealed id opens only on its
/// own row.
public struct CellIDSealer: @unchecked Sendable {
    // SymmetricKey is an immutable value; swift-crypto just does not mark it Sendable.
    private let key: SymmetricKey

    /// - Parameter secret: the phone-key secret (`PhoneKeyer`).
    public init(secret: [UInt8]) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secret), info: Array("itinerary rejects cell_id v1".utf8),
            outputByteCount: 32)
    }

    /// `nonce || ciphertext || tag` (36 bytes) of the id as 8 big-endian bytes.
    public func seal(_ cellID: Int, for phone: PhoneKey) throws -> [UInt8] {
        let plain = withUnsafeBytes(of: UInt64(truncatingIfNeeded: cellID).bigEndian) { Array($0) }
        return Array(try ChaChaPoly.seal(plain, using: key, authenticating: phone.bytes).combined)
    }

    /// The id, or `nil` when the bytes were not sealed under this secret for this phone.
    public func open(_ sealed: [UInt8], for phone: PhoneKey) -> Int? {
        guard let box = try? ChaChaPoly.SealedBox(combined: sealed),
            let plain = try? ChaChaPoly.open(box, using: key, authenticating: phone.bytes), plain.count == 8
        else { return nil }
        return Int(truncatingIfNeeded: plain.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }
}
