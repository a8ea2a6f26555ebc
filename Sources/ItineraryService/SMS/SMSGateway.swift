/// Delivers one text message. Throwing means "not delivered, may be retried".
public protocol SMSGateway: Sendable {
    /// - Parameters:
    ///   - phone: the destination's 11 digits.
    ///   - masked: the same number masked (`138****8000`) for logs.
    ///   - body: the text.
    ///   - id: the outbox id, usable as an idempotency key by the gateway.
    func send(to phone: String, masked: String, body: String, id: Int64) async throws
}
