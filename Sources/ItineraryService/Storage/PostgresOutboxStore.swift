import ItineraryCore
import ItineraryPostgres
import ItineraryStore

/// ``OutboxStore`` in PostgreSQL; destination and text are sealed (``OutboxSealer``) before
/// they are written.
struct PostgresOutboxStore: OutboxStore {
    let pool: DatabasePool
    let sealer: OutboxSealer

    func enqueue(_ sms: NewSMS, now: Int64) async throws {
        try await pool.run { [self] in try enqueue(sms, now: now, on: $0) }
    }

    /// Queues `sms` on `connection`, inside the caller's transaction if any.
    func enqueue(_ sms: NewSMS, now: Int64, on connection: PostgresConnection) throws {
        try connection.execute(
            """
            INSERT INTO sms_outbox (phone_masked, kind, sealed, next_attempt_at, created_at)
            VALUES ($1, $2, $3, $4::int8, $4::int8)
            """,
            .text(sms.phone.masked), .text(sms.kind.rawValue),
            .bytes(sealer.seal(phone: sms.phone.digits, body: sms.body)), .int(now)
        )
    }

    func claimOutbox(limit: Int, now: Int64, lease: Duration) async throws -> [OutboxMessage] {
        try await pool.run { connection in
            let result = try connection.execute(
                """
                UPDATE sms_outbox SET next_attempt_at = $2::int8 + $3::int8, attempts = attempts + 1
                WHERE id IN (
                    SELECT id FROM sms_outbox WHERE status = 'pending' AND next_attempt_at <= $2::int8
                    ORDER BY next_attempt_at, id LIMIT $1::int4 FOR UPDATE SKIP LOCKED)
                RETURNING id, phone_masked, kind, sealed, attempts
                """,
                parameters: [.int(Int64(limit)), .int(now), .int(lease.inWholeSeconds)], resultFormat: .binary
            )
            return try (0..<result.rowCount).map { row in
                try OutboxMessage(
                    id: result.decode(Int64.self, row, 0), phoneMasked: result.decode(String.self, row, 1),
                    kind: result.decode(String.self, row, 2),
                    sealed: result.decode([UInt8].self, row, 3), attempts: result.decode(Int.self, row, 4)
                )
            }.sorted { $0.id < $1.id }
        }
    }

    func beginSending(id: Int64, now: Int64) async throws -> Bool {
        try await pool.run { connection in
            try connection.execute(
                "UPDATE sms_outbox SET status = 'sending', sending_at = $2::int8 WHERE id = $1::int8 AND status = 'pending'",
                .int(id), .int(now)
            ).affectedRows == 1
        }
    }

    func markSent(id: Int64, now: Int64) async throws {
        _ = try await pool.run { connection in
            try connection.execute(
                "UPDATE sms_outbox SET status = 'sent', sent_at = $2::int8, sealed = NULL, last_error = NULL WHERE id = $1::int8",
                .int(id), .int(now)
            )
        }
    }

    func markFailed(id: Int64, error: String, retryAt: Int64?) async throws {
        try await pool.run { connection -> Void in
            if let retryAt {
                try connection.execute(
                    "UPDATE sms_outbox SET status = 'pending', next_attempt_at = $2::int8, last_error = $3 WHERE id = $1::int8",
                    .int(id), .int(retryAt), .text(String(error.prefix(500)))
                )
            } else {
                try connection.execute(
                    "UPDATE sms_outbox SET status = 'failed', sealed = NULL, last_error = $2 WHERE id = $1::int8",
                    .int(id), .text(String(error.prefix(500)))
                )
            }
        }
    }

    func abandonUnrecorded(before: Int64) async throws -> Int {
        try await pool.run { connection in
            try connection.execute(
                """
                UPDATE sms_outbox SET status = 'unknown', sealed = NULL,
                    last_error = 'handed to the gateway but the result was never recorded; not sent again'
                WHERE status = 'sending' AND sending_at < $1::int8
                """,
                .int(before)
            ).affectedRows
        }
    }

    func pendingOutboxCount() async throws -> Int {
        try await pool.run {
            try $0.execute("SELECT count(*) FROM sms_outbox WHERE status = 'pending'").decode(Int.self, 0, 0)
        }
    }
}
