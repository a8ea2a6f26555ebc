import ItineraryCore
import Logging
import ServiceLifecycle

/// Deletes expired codes, tokens, nonces, counters, old outbox rows, old partner reads and ended
/// consents every `interval`, from start until the service group shuts down.
struct ExpiredRowPurger: Service {
    let store: any StoreMaintenance
    let partners: any PartnerStore
    let clock: any WallClock
    let policy: OTPPolicy
    let logger: Logger
    var interval: Duration = .seconds(600)
    /// Delivered messages are kept this long for operators.
    var outboxRetention: Duration = .seconds(7 * 86_400)
    /// Lookup services' reads are shown this long: the card window and a day, as the data they
    /// read is kept (they also leave with the phone's data, `PipelineStore.expire`).
    var partnerReadRetention: Duration = .seconds(15 * 86_400)

    func run() async {
        repeat {
            do {
                let now = clock.now()
                try await store.purgeExpired(now: now, policy: policy, outboxRetention: outboxRetention)
                try await partners.purgeExpired(now: now, readsBefore: now - partnerReadRetention.inWholeSeconds)
            } catch {
                // The next round tries again; an unreachable database is reported by the endpoints.
                logger.debug("purge of expired rows failed", metadata: ["error": "\(error)"])
            }
        } while await GracefulSleep.sleep(for: interval)
    }
}
