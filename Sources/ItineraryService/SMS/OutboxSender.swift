import Logging

/// Drains the SMS outbox in the background: claims due messages, hands them to the gateway,
/// and records the result. A failed message is retried with exponential backoff (5 s, 10 s, …
/// up to 15 min) and given up after the configured number of tries; either way its clear
/// number is erased once it is no longer needed.
struct OutboxSender: Sendable {
    let store: LookupStore
    let gateway: any SMSGateway
    let clock: any ServiceClock
    let metrics: ServiceMetrics
    let logger: Logger
    let pollInterval: Duration
    let maxAttempts: Int
    var batchSize = 20
    /// A claimed message is hidden from other senders this long (seconds).
    var lease: Int64 = 120

    /// Seconds to wait after the `attempts`-th failed try.
    static func backoff(afterAttempts attempts: Int) -> Int64 {
        min(900, 5 << Int64(min(max(attempts - 1, 0), 16)))
    }

    /// Runs until the task is cancelled.
    func run() async {
        var tick = 0
        while !Task.isCancelled {
            var claimed = 0
            do {
                claimed = try await drainOnce()
                if tick % 4 == 0 {
                    metrics.outboxPending.set(Double(try await store.pendingOutboxCount()))
                }
            } catch {
                logger.debug("outbox drain failed", metadata: ["error": "\(error)"])
            }
            tick += 1
            if claimed < batchSize {
                try? await Task.sleep(for: pollInterval)
            }
        }
    }

    /// Sends one batch of due messages; returns how many were claimed.
    func drainOnce() async throws -> Int {
        let messages = try await store.claimOutbox(limit: batchSize, now: clock.now(), lease: lease)
        for message in messages {
            do {
                try await gateway.send(to: message.phone, masked: message.phoneMasked, body: message.body, id: message.id)
                try await store.markSent(id: message.id, now: clock.now())
                metrics.recordSMS("sent")
            } catch is CancellationError {
                return messages.count  // the lease makes it due again later
            } catch {
                let giveUp = message.attempts >= maxAttempts
                logger.warning(
                    "SMS not sent", metadata: ["id": "\(message.id)", "to": "\(message.phoneMasked)", "error": "\(error)", "final": "\(giveUp)"]
                )
                let retryAt = giveUp ? nil : clock.now() + Self.backoff(afterAttempts: message.attempts)
                try await store.markFailed(id: message.id, error: "\(error)", retryAt: retryAt)
                metrics.recordSMS(giveUp ? "failed" : "retry")
            }
        }
        return messages.count
    }
}
