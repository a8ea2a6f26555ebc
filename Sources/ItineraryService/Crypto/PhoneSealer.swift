import Crypto
import ItineraryCore

/// Seals the phone number of a session with a key derived from the session's token, so the
/// token row can give the number back to the token holder while the database alone cannot.
enum PhoneSealer {
    static func seal(_ phone: Phone, token: [UInt8]) throws -> [UInt8] {
        let box = try ChaChaPoly.seal(Array(phone.digits.utf8), using: key(token))
        return Array(box.combined)
    }

    static func open(_ sealed: [UInt8], token: [UInt8]) -> Phone? {
        guard let box = try? ChaChaPoly.SealedBox(combined: sealed),
            let digits = try? ChaChaPoly.open(box, using: key(token))
        else { return nil }
        return Phone(ascii: Array(digits))
    }

    private static func key(_ token: [UInt8]) -> SymmetricKey {
        SymmetricKey(data: SHA256.hash(data: Array("seal\u{0}".utf8) + token))
    }
}
