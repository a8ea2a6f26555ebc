/// One SMS claimed from the outbox for sending; destination and text stay sealed until the
/// sender opens them with ``OutboxSealer``.
struct OutboxMessage: Sendable, Hashable {
    var id: Int64
    var phoneMasked: String
    var kind: String
    var sealed: [UInt8]
    /// Tries so far, this one included.
    var attempts: Int
}
