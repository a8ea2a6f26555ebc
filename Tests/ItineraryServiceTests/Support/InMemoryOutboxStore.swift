import ItineraryCore
import Synchronization

@testable import ItineraryService

/// ``OutboxStore`` in memory, with `sms_outbox`'s states, leases, retries and errors; what it
/// queues is sealed as in PostgreSQL, and the tests read the queued messages in clear
/// (``queued``) or put sealed bytes in directly (``insert(sealed:now:)``).
final class InMemoryOutboxStore: OutboxStore {
    enum Status: Equatable {
        case pending(at: Int64)
        case sending(since: Int64)
        case sent, failed, unknown
    }

    private struct Row {
        /// `nil` for a message put in sealed.
        var sms: NewSMS?
        var message: OutboxMessage
        var status: Status
        var lastError: String?
    }

    private let sealer: OutboxSealer
    private let rows = Mutex<[Int64: Row]>([:])
    private let lastID = Atomic<Int64>(0)

    init(sealer: OutboxSealer) {
        self.sealer = sealer
    }

    /// Every message queued so far, oldest first.
    var queued: [NewSMS] { rows.withLock { rows in rows.keys.sorted().compactMap { rows[$0]?.sms } } }

    func status(of id: Int64) -> Status? { rows.withLock { $0[id]?.status } }

    /// The error the last refused try recorded.
    func lastError(of id: Int64) -> String? { rows.withLock { $0[id]?.lastError } }

    func enqueue(_ sms: NewSMS, now: Int64) async throws {
        try append(sms, now: now)
    }

    /// Queues `sms` at once (``InMemoryCodeStore`` does it under its lock, as in one transaction).
    func append(_ sms: NewSMS, now: Int64) throws {
        let sealed = try sealer.seal(phone: sms.phone.digits, body: sms.body)
        _ = insert(sms, sealed: sealed, phoneMasked: sms.phone.masked, kind: sms.kind.rawValue, now: now)
    }

    /// Queues sealed bytes as they are (an OTP to 138****8000); the message's id.
    @discardableResult
    func insert(sealed: [UInt8], now: Int64) -> Int64 {
        insert(nil, sealed: sealed, phoneMasked: "138****8000", kind: "otp", now: now)
    }

    private func insert(_ sms: NewSMS?, sealed: [UInt8], phoneMasked: String, kind: String, now: Int64) -> Int64 {
        let id = lastID.add(1, ordering: .relaxed).newValue
        let message = OutboxMessage(id: id, phoneMasked: phoneMasked, kind: kind, sealed: sealed, attempts: 0)
        rows.withLock { $0[id] = Row(sms: sms, message: message, status: .pending(at: now)) }
        return id
    }

    func claimOutbox(limit: Int, now: Int64, lease: Duration) async throws -> [OutboxMessage] {
        rows.withLock { rows in
            let due = rows.compactMap { id, row -> (at: Int64, id: Int64)? in
                guard case .pending(let at) = row.status, at <= now else { return nil }
                return (at, id)
            }.sorted { ($0.at, $0.id) < ($1.at, $1.id) }.prefix(limit)
            return due.compactMap { _, id in
                rows[id]?.message.attempts += 1
                rows[id]?.status = .pending(at: now + lease.inWholeSeconds)
                return rows[id]?.message
            }.sorted { $0.id < $1.id }
        }
    }

    func beginSending(id: Int64, now: Int64) async throws -> Bool {
        rows.withLock { rows in
            guard case .pending = rows[id]?.status else { return false }
            rows[id]?.status = .sending(since: now)
            return true
        }
    }

    func markSent(id: Int64, now: Int64) async throws {
        rows.withLock { rows in
            rows[id]?.status = .sent
            rows[id]?.message.sealed = []
            rows[id]?.lastError = nil
        }
    }

    func markFailed(id: Int64, error: String, retryAt: Int64?) async throws {
        rows.withLock { rows in
            rows[id]?.lastError = String(error.prefix(500))
            if let retryAt {
                rows[id]?.status = .pending(at: retryAt)
            } else {
                rows[id]?.status = .failed
                rows[id]?.message.sealed = []
            }
        }
    }

    func abandonUnrecorded(before: Int64) async throws -> Int {
        rows.withLock { rows in
            let stuck = rows.filter {
                if case .sending(let since) = $0.value.status { since < before } else { false }
            }.keys
            for id in stuck {
                rows[id]?.status = .unknown
                rows[id]?.message.sealed = []
            }
            return stuck.count
        }
    }

    func pendingOutboxCount() async throws -> Int {
        rows.withLock { $0.values.count { if case .pending = $0.status { true } else { false } } }
    }
}
