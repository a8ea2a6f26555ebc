import ItineraryCore
import Logging
import Prometheus
import ServiceLifecycle

/// Drains the SMS outbox in the background: claims due messages, opens each (destination and
/// text are sealed in the database), hands it to the gateway and records the result.
///
/// Each message is sent at most once, across restarts and outages: it is marked `sending`
/// (committed) before the gateway gets it, and a message left `sending` longer than the lease
/// (its sender stopped, or lost the database, between hand-off and record) becomes `unknown`
/// instead of being sent again. A try the gateway refuses is retried with exponential backoff
/// (5 s, 10 s, … up to 15 min) and given up after the configured number of tries; either way the
/// sealed message is erased once it is no longer needed. On graceful shutdown it finishes the
/// batch in hand and stops.
struct OutboxSender: Service {
    let outbox: any OutboxStore
    let sealer: OutboxSealer
    let gateway: any SMSGateway
    let clock: any WallClock
    let metrics: ServiceMetrics
    let logger: Logger
    let pollInterval: Duration
    let maxAttempts: Int
    var batchSize = 20
    /// A claimed message is hidden from other senders this long, and a message handed to the
    /// gateway this long ago without a recorded result is `unknown`.
    var lease: Duration = .seconds(120)

    /// Seconds to wait after the `attempts`-th failed try.
    static func backoff(afterAttempts attempts: Int) -> Int64 {
        Backoff(first: .seconds(5), maximum: .seconds(900)).delay(afterFailures: attempts).inWholeSeconds
    }

    /// Runs until the service group shuts down (or the task is cancelled).
    func run() async {
        var tick = 0
        while GracefulSleep.shouldContinue {
            var claimed = 0
            do {
                if tick % 4 == 0 {
                    try await abandonUnrecorded()
                    metrics.outboxPending.set(Double(try await outbox.pendingOutboxCount()))
                }
                claimed = try await drainOnce()
            } catch {
                logger.debug("outbox drain failed", metadata: ["error": "\(error)"])
            }
            tick += 1
            if claimed < batchSize, !(await GracefulSleep.sleep(for: pollInterval)) { return }
        }
    }

    /// Sends one batch of due messages; returns how many were claimed.
    func drainOnce() async throws -> Int {
        let messages = try await outbox.claimOutbox(limit: batchSize, now: clock.now(), lease: lease)
        for message in messages {
            guard let opened = sealer.open(message.sealed) else {
                logger.error(
                    "SMS cannot be opened with the outbox key",
                    metadata: ["id": "\(message.id)", "to": "\(message.phoneMasked)"])
                try await outbox.markFailed(id: message.id, error: "cannot be opened with the outbox key", retryAt: nil)
                metrics.recordSMS("failed")
                continue
            }
            // Not claimed again once marked: from here on it is sent at most once.
            guard try await outbox.beginSending(id: message.id, now: clock.now()) else { continue }
            do {
                try await gateway.send(to: opened.phone, masked: message.phoneMasked, body: opened.body, id: message.id)
            } catch is CancellationError {
                return messages.count  // may or may not have left: it stays `sending`, later `unknown`
            } catch {
                let giveUp = message.attempts >= maxAttempts
                logger.warning(
                    "SMS not sent",
                    metadata: [
                        "id": "\(message.id)", "to": "\(message.phoneMasked)", "error": "\(error)",
                        "final": "\(giveUp)",
                    ]
                )
                let retryAt = giveUp ? nil : clock.now() + Self.backoff(afterAttempts: message.attempts)
                try await outbox.markFailed(id: message.id, error: "\(error)", retryAt: retryAt)
                metrics.recordSMS(giveUp ? "failed" : "retry")
                continue
            }
            await recordSent(message)
        }
        return messages.count
    }

    /// Records a delivered message, retrying while the database is away. Until recorded it stays
    /// `sending`, which nothing sends again; if this process stops first it becomes `unknown`.
    private func recordSent(_ message: OutboxMessage) async {
        while true {
            do {
                try await outbox.markSent(id: message.id, now: clock.now())
                metrics.recordSMS("sent")
                return
            } catch {
                logger.warning("SMS sent but not recorded yet", metadata: ["id": "\(message.id)", "error": "\(error)"])
                // Stopping leaves it `sending`, later `unknown`: never sent twice.
                guard await GracefulSleep.sleep(for: pollInterval) else { return }
            }
        }
    }

    /// Turns messages whose hand-off was never recorded into `unknown`.
    private func abandonUnrecorded() async throws {
        let abandoned = try await outbox.abandonUnrecorded(before: clock.now() - lease.inWholeSeconds)
        if abandoned > 0 {
            logger.warning("SMS with unknown delivery, not sent again", metadata: ["count": "\(abandoned)"])
            metrics.recordSMS("unknown", count: abandoned)
        }
    }
}
