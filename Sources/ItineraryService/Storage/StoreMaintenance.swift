/// What the service asks of its database as a whole: whether it answers (`/readyz`) and the
/// deletion of rows no rule needs any more (``ExpiredRowPurger``).
protocol StoreMaintenance: Sendable {
    /// Throws unless the database answers.
    func ping() async throws

    /// Deletes what no rule needs any more: expired codes, tokens and nonces, sends older than the
    /// daily window, old counters, and delivered messages older than `outboxRetention`.
    func purgeExpired(now: Int64, policy: OTPPolicy, outboxRetention: Duration) async throws
}
