import ItineraryCore
import Logging
import ServiceLifecycle

/// Deletes expired codes, tokens, nonces, counters and old outbox rows every `interval`, from
/// start until the service group shuts down.
struct ExpiredRowPurger: Service {
    let store: any StoreMaintenance
    let clock: any WallClock
    let policy: OTPPolicy
    let logger: Logger
    var interval: Duration = .seconds(600)
    /// Delivered messages are kept this long for operators.
    var outboxRetention: Duration = .seconds(7 * 86_400)

    func run() async {
        repeat {
            do {
                try await store.purgeExpired(now: clock.now(), policy: policy, outboxRetention: outboxRetention)
            } catch {
                // The next round tries again; an unreachable database is reported by the endpoints.
                logger.debug("purge of expired rows failed", metadata: ["error": "\(error)"])
            }
        } while await GracefulSleep.sleep(for: interval)
    }
}
