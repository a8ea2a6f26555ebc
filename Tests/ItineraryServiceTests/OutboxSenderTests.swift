import ItineraryCore
import Logging
import Synchronization
import Testing

@testable import ItineraryService

/// ``OutboxSender`` with its store alone (in memory, no database) and a scripted gateway.
@Suite("OutboxSender with an in-memory outbox")
struct OutboxSenderTests {
    /// An ``OutboxStore`` that keeps messages in memory and remembers what was recorded.
    final class MemoryOutbox: OutboxStore {
        enum Status: Equatable { case pending(at: Int64), sending, sent, failed }
        struct Row {
            var message: OutboxMessage
            var status: Status
        }
        let rows = Mutex<[Int64: Row]>([:])
        let errors = Mutex<[Int64: String]>([:])

        func status(_ id: Int64) -> Status? { rows.withLock { $0[id]?.status } }

        func add(_ id: Int64, sealed: [UInt8]) {
            rows.withLock {
                $0[id] = Row(
                    message: OutboxMessage(
                        id: id, phoneMasked: "138****8000", kind: "otp", sealed: sealed, attempts: 0),
                    status: .pending(at: 0))
            }
        }

        func enqueue(_ sms: NewSMS, now: Int64) async throws {}

        func claimOutbox(limit: Int, now: Int64, lease: Duration) async throws -> [OutboxMessage] {
            rows.withLock { rows in
                let due = rows.values.filter {
                    if case .pending(let at) = $0.status { return at <= now } else { return false }
                }.map(\.message.id).sorted().prefix(limit)
                return due.compactMap { id in
                    rows[id]?.message.attempts += 1
                    rows[id]?.status = .pending(at: now + lease.inWholeSeconds)
                    return rows[id]?.message
                }
            }
        }

        func beginSending(id: Int64, now: Int64) async throws -> Bool {
            rows.withLock { rows in
                guard case .pending = rows[id]?.status else { return false }
                rows[id]?.status = .sending
                return true
            }
        }

        func markSent(id: Int64, now: Int64) async throws { rows.withLock { $0[id]?.status = .sent } }

        func markFailed(id: Int64, error: String, retryAt: Int64?) async throws {
            errors.withLock { $0[id] = error }
            rows.withLock { $0[id]?.status = retryAt.map { .pending(at: $0) } ?? .failed }
        }

        func abandonUnrecorded(before: Int64) async throws -> Int { 0 }

        func pendingOutboxCount() async throws -> Int {
            rows.withLock { $0.values.count { if case .pending = $0.status { true } else { false } } }
        }
    }

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

    private func sender(_ outbox: MemoryOutbox, _ gateway: ScriptedGateway, _ clock: ManualClock) -> OutboxSender {
        OutboxSender(
            outbox: outbox, sealer: sealer, gateway: gateway, clock: clock, metrics: ServiceMetrics(),
            logger: Logger(label: "test"), pollInterval: .seconds(1), maxAttempts: 2)
    }

    @Test func aRefusedTryIsRetriedAfterTheBackoffThenRecordedSent() async throws {
        let outbox = MemoryOutbox()
        outbox.add(1, sealed: try sealer.seal(phone: "13800138000", body: "code 123456"))
        let gateway = ScriptedGateway(failures: 1)
        let clock = ManualClock(1_000)
        let sender = sender(outbox, gateway, clock)

        #expect(try await sender.drainOnce() == 1)
        #expect(outbox.status(1) == .pending(at: 1_000 + OutboxSender.backoff(afterAttempts: 1)))
        #expect(try await sender.drainOnce() == 0)  // not due before the backoff ends

        clock.advance(by: OutboxSender.backoff(afterAttempts: 1))
        #expect(try await sender.drainOnce() == 1)
        #expect(outbox.status(1) == .sent)
        #expect(gateway.delivered.withLock { $0 } == ["13800138000 code 123456"])
    }

    @Test func theLastAllowedTryGivesUp() async throws {
        let outbox = MemoryOutbox()
        outbox.add(1, sealed: try sealer.seal(phone: "13800138000", body: "code 123456"))
        let clock = ManualClock(1_000)
        let sender = sender(outbox, ScriptedGateway(failures: 5), clock)
        _ = try await sender.drainOnce()
        clock.advance(by: 3_600)
        _ = try await sender.drainOnce()
        #expect(outbox.status(1) == .failed)
    }

    @Test func aMessageTheKeyCannotOpenFailsWithoutReachingTheGateway() async throws {
        let outbox = MemoryOutbox()
        outbox.add(1, sealed: [1, 2, 3])
        let gateway = ScriptedGateway(failures: 0)
        #expect(try await sender(outbox, gateway, ManualClock(1_000)).drainOnce() == 1)
        #expect(outbox.status(1) == .failed)
        #expect(outbox.errors.withLock { $0[1] } == "cannot be opened with the outbox key")
        #expect(gateway.delivered.withLock { $0 }.isEmpty)
    }
}
