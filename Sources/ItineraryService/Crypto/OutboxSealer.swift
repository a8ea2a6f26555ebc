import Crypto

/// Seals an SMS (destination and text together) with ChaCha20-Poly1305 under the outbox key,
/// which lives in the state directory and never in the database: PostgreSQL's heap files and WAL
/// only ever see the sealed bytes. The sender is the only reader.
struct OutboxSealer: Sendable {
    /// The destination's 11 digits and the text, as opened by the sender.
    struct Opened: Sendable, Hashable {
        var phone: String
        var body: String
    }

    private let key: [UInt8]

    /// - Parameter key: 32 bytes.
    init(key: [UInt8]) {
        precondition(key.count == 32, "the outbox key is 32 bytes")
        self.key = key
    }

    /// `nonce || ciphertext || tag` of `"<digits>\n<body>"`.
    func seal(phone: String, body: String) throws -> [UInt8] {
        Array(try ChaChaPoly.seal(Array("\(phone)\n\(body)".utf8), using: SymmetricKey(data: key)).combined)
    }

    /// `nil` when the bytes were not sealed under this key or were altered.
    func open(_ sealed: [UInt8]) -> Opened? {
        guard let box = try? ChaChaPoly.SealedBox(combined: sealed),
            let plain = try? ChaChaPoly.open(box, using: SymmetricKey(data: key)),
            let newline = plain.firstIndex(of: 0x0A)
        else { return nil }
        return Opened(
            phone: String(decoding: plain[..<newline], as: UTF8.self),
            body: String(decoding: plain[plain.index(after: newline)...], as: UTF8.self)
        )
    }
}
