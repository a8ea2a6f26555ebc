import ItineraryCore
import ItineraryStore

/// The service's SQL (tables of `SQL/0003_lookup.sql`, `0005_service_hardening.sql` and
/// `0008_key_revocations.sql`). Each
/// method is one short transaction run on the ``DatabasePool``; the decisions themselves are the
/// pure rules of `OTP/`.
struct LookupStore: Sendable {
    let pool: DatabasePool
    /// Seals what goes into the outbox; opening is the sender's business.
    let sealer: OutboxSealer

    /// Advisory-lock class for per-phone serialisation ("LK").
    private static let lockClass: Int64 = 0x4C4B

    /// `SELECT 1`.
    func ping() async throws {
        _ = try await pool.run { try $0.execute("SELECT 1").rowCount }
    }

    /// The withdrawn signing keys (SQL/0008).
    func revokedKeys() async throws -> [KeyRevocation] {
        try await pool.run { try KeyRevocations.all(on: $0) }
    }

    /// Counts one hit of `subject` in the current window of `limit` and decides.
    func hit(scope: String, subject: String, limit: FixedWindowLimit, now: Int64) async throws -> SendDecision {
        let window = limit.windowStart(now)
        let hits = try await pool.run { connection in
            try connection.execute(
                """
                INSERT INTO rate_counters (scope, subject, window_start, hits) VALUES ($1, $2, $3::int8, 1)
                ON CONFLICT (scope, subject, window_start) DO UPDATE SET hits = rate_counters.hits + 1
                RETURNING hits
                """,
                .text(scope), .text(subject), .int(window)
            ).int64(0, 0) ?? 0
        }
        return limit.decide(hits: Int(hits), now: now)
    }

    /// Stores a new code for a phone and queues its SMS, if the per-phone limits allow.
    func issueCode(
        phoneKey: [UInt8], codeHash: [UInt8], sms: NewSMS, now: Int64, policy: OTPPolicy
    ) async throws -> SendDecision {
        try await pool.run { connection in
            try connection.transaction { connection in
                try connection.execute(
                    "SELECT pg_advisory_xact_lock($1::int4, $2::int4)", .int(Self.lockClass),
                    .int(Self.lockObject(phoneKey)))
                let result = try connection.execute(
                    "SELECT sent_at FROM otp_sends WHERE phone_key = $1 AND sent_at > $2::int8",
                    .bytes(phoneKey), .int(now - policy.dailyWindow)
                )
                let sends = try (0..<result.rowCount).compactMap { try result.int64($0, 0) }
                let decision = OTPSendPolicy.decide(previousSends: sends, now: now, policy: policy)
                guard decision == .allowed else { return decision }
                try connection.execute(
                    "INSERT INTO otp_sends (phone_key, sent_at) VALUES ($1, $2::int8)", .bytes(phoneKey), .int(now))
                try connection.execute(
                    """
                    INSERT INTO otp_codes (phone_key, code_hash, issued_at, expires_at, wrong_attempts)
                    VALUES ($1, $2, $3::int8, $4::int8, 0)
                    ON CONFLICT (phone_key) DO UPDATE SET code_hash = EXCLUDED.code_hash, issued_at = EXCLUDED.issued_at,
                        expires_at = EXCLUDED.expires_at, wrong_attempts = 0
                    """,
                    .bytes(phoneKey), .bytes(codeHash), .int(now), .int(now + policy.codeLifetime)
                )
                try enqueue(sms, now: now, on: connection)
                return .allowed
            }
        }
    }

    /// Checks a submitted code under a row lock and applies the verdict; on success stores `token`
    /// in the same transaction, so concurrent attempts on one code give exactly one success
    /// (a lookup service's relay stores none).
    func verifyCode(
        phoneKey: [UInt8], submittedHash: [UInt8], now: Int64, policy: OTPPolicy, token: NewToken?
    ) async throws -> OTPOutcome {
        try await pool.run { connection in
            try connection.transaction { connection in
                let result = try connection.execute(
                    "SELECT code_hash, issued_at, expires_at, wrong_attempts FROM otp_codes WHERE phone_key = $1 FOR UPDATE",
                    parameters: [.bytes(phoneKey)], resultFormat: .binary
                )
                let record: OTPRecord? =
                    try result.rowCount == 0
                    ? nil
                    : OTPRecord(
                        codeHash: result.bytes(0, 0) ?? [],
                        issuedAt: result.int64(0, 1) ?? 0,
                        expiresAt: result.int64(0, 2) ?? 0,
                        wrongAttempts: Int(result.int64(0, 3) ?? 0)
                    )
                let verdict = OTPVerification.evaluate(
                    record: record, submittedHash: submittedHash, now: now, policy: policy)
                switch verdict.change {
                case .keep:
                    break
                case .delete:
                    try connection.execute("DELETE FROM otp_codes WHERE phone_key = $1", .bytes(phoneKey))
                case .setWrongAttempts(let count):
                    try connection.execute(
                        "UPDATE otp_codes SET wrong_attempts = $2::int4 WHERE phone_key = $1", .bytes(phoneKey),
                        .int(Int64(count))
                    )
                }
                if verdict.outcome == .accepted, let token {
                    try connection.execute(
                        """
                        INSERT INTO lookup_tokens (token_hash, phone_key, client, phone_sealed, issued_at, expires_at)
                        VALUES ($1, $2, $3, $4, $5::int8, $6::int8)
                        """,
                        .bytes(token.tokenHash), .bytes(phoneKey), .text(token.client), .bytes(token.phoneSealed),
                        .int(token.issuedAt), .int(token.expiresAt)
                    )
                }
                return verdict.outcome
            }
        }
    }

    /// The token stored under `tokenHash`, if any.
    func token(hash tokenHash: [UInt8]) async throws -> TokenRecord? {
        try await pool.run { connection in
            let result = try connection.execute(
                "SELECT phone_key, client, phone_sealed, expires_at FROM lookup_tokens WHERE token_hash = $1",
                parameters: [.bytes(tokenHash)], resultFormat: .binary
            )
            guard result.rowCount == 1 else { return nil }
            return try TokenRecord(
                phoneKey: result.bytes(0, 0) ?? [], client: result.string(0, 1) ?? "",
                phoneSealed: result.bytes(0, 2) ?? [], expiresAt: result.int64(0, 3) ?? 0
            )
        }
    }

    /// Records a signed callback's nonce; `false` if it was already used (a replay).
    func useNonce(_ nonce: String, expiresAt: Int64) async throws -> Bool {
        try await pool.run { connection in
            try connection.execute(
                "INSERT INTO sms_inbound_nonces (nonce, expires_at) VALUES ($1, $2::int8) ON CONFLICT (nonce) DO NOTHING",
                .text(nonce), .int(expiresAt)
            ).affectedRows == 1
        }
    }

    /// Queues an SMS.
    func enqueue(_ sms: NewSMS, now: Int64) async throws {
        try await pool.run { try enqueue(sms, now: now, on: $0) }
    }

    /// Takes up to `limit` due messages, leasing them for `lease` seconds (messages a stopped
    /// sender claimed but never began sending become due again when the lease ends).
    func claimOutbox(limit: Int, now: Int64, lease: Int64) async throws -> [OutboxMessage] {
        try await pool.run { connection in
            let result = try connection.execute(
                """
                UPDATE sms_outbox SET next_attempt_at = $2::int8 + $3::int8, attempts = attempts + 1
                WHERE id IN (
                    SELECT id FROM sms_outbox WHERE status = 'pending' AND next_attempt_at <= $2::int8
                    ORDER BY next_attempt_at, id LIMIT $1::int4 FOR UPDATE SKIP LOCKED)
                RETURNING id, phone_masked, kind, sealed, attempts
                """,
                parameters: [.int(Int64(limit)), .int(now), .int(lease)], resultFormat: .binary
            )
            return try (0..<result.rowCount).map { row in
                try OutboxMessage(
                    id: result.int64(row, 0) ?? 0, phoneMasked: result.string(row, 1) ?? "",
                    kind: result.string(row, 2) ?? "",
                    sealed: result.bytes(row, 3) ?? [], attempts: Int(result.int64(row, 4) ?? 0)
                )
            }.sorted { $0.id < $1.id }
        }
    }

    /// Marks a claimed message `sending` (committed) just before it goes to the gateway; `false`
    /// when it is no longer pending (another sender took it after the lease ended).
    func beginSending(id: Int64, now: Int64) async throws -> Bool {
        try await pool.run { connection in
            try connection.execute(
                "UPDATE sms_outbox SET status = 'sending', sending_at = $2::int8 WHERE id = $1::int8 AND status = 'pending'",
                .int(id), .int(now)
            ).affectedRows == 1
        }
    }

    /// Records a delivered message; its sealed destination and text are erased.
    func markSent(id: Int64, now: Int64) async throws {
        _ = try await pool.run { connection in
            try connection.execute(
                "UPDATE sms_outbox SET status = 'sent', sent_at = $2::int8, sealed = NULL, last_error = NULL WHERE id = $1::int8",
                .int(id), .int(now)
            )
        }
    }

    /// Records a try the gateway refused (so nothing was delivered): pending again at `retryAt`,
    /// or given up (sealed message erased) when `nil`.
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

    /// Gives up messages handed to a gateway before `before` whose result was never recorded
    /// (the sender stopped or lost the database in between): they may have been delivered, so
    /// they become `unknown` and are never sent again. Returns how many.
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

    /// Messages waiting to be sent.
    func pendingOutboxCount() async throws -> Int {
        try await pool.run {
            Int(try $0.execute("SELECT count(*) FROM sms_outbox WHERE status = 'pending'").int64(0, 0) ?? 0)
        }
    }

    /// Deletes what no rule needs any more: expired codes, tokens and nonces, sends older than the
    /// daily window, old counters, and delivered messages older than `outboxRetention`.
    func purgeExpired(now: Int64, policy: OTPPolicy, outboxRetention: Int64) async throws {
        try await pool.run { connection in
            try connection.execute("DELETE FROM otp_codes WHERE expires_at < $1::int8", .int(now - 3600))
            try connection.execute("DELETE FROM otp_sends WHERE sent_at <= $1::int8", .int(now - policy.dailyWindow))
            try connection.execute("DELETE FROM lookup_tokens WHERE expires_at < $1::int8", .int(now - 3600))
            try connection.execute("DELETE FROM rate_counters WHERE window_start < $1::int8", .int(now - 86_400))
            try connection.execute("DELETE FROM sms_inbound_nonces WHERE expires_at < $1::int8", .int(now))
            try connection.execute(
                "DELETE FROM sms_outbox WHERE status NOT IN ('pending', 'sending') AND created_at < $1::int8",
                .int(now - outboxRetention)
            )
        }
    }

    private func enqueue(_ sms: NewSMS, now: Int64, on connection: PostgresConnection) throws {
        try connection.execute(
            """
            INSERT INTO sms_outbox (phone_masked, kind, sealed, next_attempt_at, created_at)
            VALUES ($1, $2, $3, $4::int8, $4::int8)
            """,
            .text(sms.phone.masked), .text(sms.kind.rawValue),
            .bytes(sealer.seal(phone: sms.phone.digits, body: sms.body)), .int(now)
        )
    }

    /// The first four bytes of a phone key as a signed 32-bit lock id.
    private static func lockObject(_ phoneKey: [UInt8]) -> Int64 {
        let bits = phoneKey.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return Int64(Int32(bitPattern: bits))
    }
}
