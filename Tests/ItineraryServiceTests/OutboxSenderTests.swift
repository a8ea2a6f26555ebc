import ItineraryCore
import ItineraryTestTags
import Logging
import Synchronization
import Testing

@testable import ItineraryService

/// ``OutboxSender`` with its store alone (``InMemoryOutboxStore``, no database) and a scripted gateway.
@Suite("OutboxSender with an in-memory outbox", .tags(.unit))
struct OutboxSenderTests {
    /// Refuses the first `failures` sends, then delivers.
    final class ScriptedGateway: SMSGateway {
        let failures: Int
        let delivered = Mutex<[String]>([])
        private let tries = Mutex(0)

        init(failures: Int) { self.failures = failures }

        struct Refused: Error {}

        func send(to phone: String, masked: String, body: String, id: Int64) async throws {
            let attempt = tries.withLock {
                $0 += 1
                return $0
            }
            guard attempt > failures else { throw Refused() }
            delivered.withLock { $0.append("\(phone) \(body)") }
        }
    }

    private let sealer = OutboxSealer(key: [UInt8](repeating: 7, count: 32))

    private func sender(_ outbox: InMemoryOutboxStore, _ gateway: ScriptedGateway, _ clock: ManualClock) -> OutboxSender
    {
        OutboxSender(
            outbox: outbox, sealer: sealer, gateway: gateway, clock: clock, metrics: ServiceMetrics(),
            logger: Logger(label: "test"), pollInterval: .seconds(1), maxAttempts: 2)
    }

    @Test func aRefusedTryIsRetriedAfterTheBackoffThenRecordedSent() async throws {
        let outbox = InMemoryOutboxStore(sealer: sealer)
        try outbox.append(NewSMS(phone: Phone("13800138000")!, kind: .otp, body: "code 123456"), now: 0)
        let gateway = ScriptedGateway(failures: 1)
        let clock = ManualClock(1_000)
        let sender = sender(outbox, gateway, clock)

        #expect(try await sender.drainOnce() == 1)
        #expect(outbox.status(of: 1) == .pending(at: 1_000 + OutboxSender.backoff(afterAttempts: 1)))
        #expect(try await sender.drainOnce() == 0)  // not due before the backoff ends

        clock.advance(by: OutboxSender.backoff(afterAttempts: 1))
        #expect(try await sender.drainOnce() == 1)
        #expect(outbox.status(of: 1) == .sent)
        #expect(gateway.delivered.withLock { $0 } == ["13800138000 code 123456"])
    }

    @Test func theLastAllowedTryGivesUp() async throws {
        let outbox = InMemoryOutboxStore(sealer: sealer)
        try outbox.append(NewSMS(phone: Phone("13800138000")!, kind: .otp, body: "code 123456"), now: 0)
        let clock = ManualClock(1_000)
        let sender = sender(outbox, ScriptedGateway(failures: 5), clock)
        _ = try await sender.drainOnce()
        clock.advance(by: 3_600)
        _ = try await sender.drainOnce()
        #expect(outbox.status(of: 1) == .failed)
    }

    @Test func aMessageTheKeyCannotOpenFailsWithoutReachingTheGateway() async throws {
        let outbox = InMemoryOutboxStore(sealer: sealer)
        outbox.insert(sealed: [1, 2, 3], now: 0)
        let gateway = ScriptedGateway(failures: 0)
        #expect(try await sender(outbox, gateway, ManualClock(1_000)).drainOnce() == 1)
        #expect(outbox.status(of: 1) == .failed)
        #expect(outbox.lastError(of: 1) == "cannot be opened with the outbox key")
        #expect(gateway.delivered.withLock { $0 }.isEmpty)
    }
}
