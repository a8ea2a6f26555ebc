/// The SMS outbox (`sms_outbox`): queued by the handlers, drained by ``OutboxSender``.
protocol OutboxStore: Sendable {
    /// Queues an SMS.
    func enqueue(_ sms: NewSMS, now: Int64) async throws

    /// Takes up to `limit` due messages, leasing them for `lease` (messages a stopped
    /// sender claimed but never began sending become due again when the lease ends).
    func claimOutbox(limit: Int, now: Int64, lease: Duration) async throws -> [OutboxMessage]

    /// Marks a claimed message `sending` (committed) just before it goes to the gateway; `false`
    /// when it is no longer pending (another sender took it after the lease ended).
    func beginSending(id: Int64, now: Int64) async throws -> Bool

    /// Records a delivered message; its sealed destination and text are erased.
    func markSent(id: Int64, now: Int64) async throws

    /// Records a try the gateway refused (so nothing was delivered): pending again at `retryAt`,
    /// or given up (sealed message erased) when `nil`.
    func markFailed(id: Int64, error: String, retryAt: Int64?) async throws

    /// Gives up messages handed to a gateway before `before` whose result was never recorded
    /// (the sender stopped or lost the database in between): they may have been delivered, so
    /// they become `unknown` and are never sent again. Returns how many.
    func abandonUnrecorded(before: Int64) async throws -> Int

    /// Messages waiting to be sent.
    func pendingOutboxCount() async throws -> Int
}
