import Crypto
import ItineraryCore

/// Derives the storage key of a phone number: HMAC-SHA-256 of its 11 normalised digits under a
/// secret kept outside the database (README, Privacy), so the store never holds numbers in clear.
public struct PhoneKeyer: @unchecked Sendable {
    // SymmetricKey is an immutable value; swift-crypto just does not mark it Sendable.
    private let key: SymmetricKey
    /// Seals what else the store keeps of a phone's records under the same secret.
    public let cellSealer: CellIDSealer

    /// - Parameter secret: at least 16 bytes; the pipeline and the lookup service share it.
    public init(secret: [UInt8]) {
        precondition(secret.count >= 16, "phone key secret must be at least 16 bytes")
        key = SymmetricKey(data: secret)
        cellSealer = CellIDSealer(secret: secret)
    }

    /// The key of `phone`.
    public func key(for phone: Phone) -> PhoneKey {
        var digits = [UInt8](repeating: 0, count: 11)
        var number = phone.number
        for index in (0..<11).reversed() {
            digits[index] = UInt8(truncatingIfNeeded: number % 10) + 48
            number /= 10
        }
        return PhoneKey(bytes: Array(HMAC<SHA256>.authenticationCode(for: digits, using: key)))!
    }
}
