/// One SMS claimed from the outbox for sending.
struct OutboxMessage: Sendable, Hashable {
    var id: Int64
    /// The destination's 11 digits.
    var phone: String
    var phoneMasked: String
    var kind: String
    var body: String
    /// Tries so far, this one included.
    var attempts: Int
}
