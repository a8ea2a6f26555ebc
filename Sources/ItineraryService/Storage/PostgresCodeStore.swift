import ItineraryCore
import ItineraryPostgres
import ItineraryStore

/// ``CodeStore`` in PostgreSQL: each call one short transaction on the pool, serialised per phone
/// by an advisory lock (issue) or a row lock (verify).
struct PostgresCodeStore: CodeStore {
    let pool: DatabasePool
    /// Queues the code's SMS in the transaction that stores the code.
    let outbox: PostgresOutboxStore

    /// Advisory-lock class for per-phone serialisation ("LK").
    private static let lockClass: Int64 = 0x4C4B

    func issueCode(
        phoneKey: [UInt8], codeHash: [UInt8], sms: NewSMS, now: Int64, policy: OTPPolicy
    ) async throws -> SendDecision {
        try await pool.run { [outbox] connection in
            try connection.transaction { connection in
                try connection.execute(
                    "SELECT pg_advisory_xact_lock($1::int4, $2::int4)", .int(Self.lockClass),
                    .int(Self.lockObject(phoneKey)))
                let result = try connection.execute(
                    "SELECT sent_at FROM otp_sends WHERE phone_key = $1 AND sent_at > $2::int8",
                    .bytes(phoneKey), .int(now - policy.dailyWindow.inWholeSeconds)
                )
                let sends = try (0..<result.rowCount).map { try result.decode(Int64.self, $0, 0) }
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
                    .bytes(phoneKey), .bytes(codeHash), .int(now), .int(now + policy.codeLifetime.inWholeSeconds)
                )
                try outbox.enqueue(sms, now: now, on: connection)
                return .allowed
            }
        }
    }

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
                        codeHash: result.decode([UInt8].self, 0, 0),
                        issuedAt: result.decode(Int64.self, 0, 1),
                        expiresAt: result.decode(Int64.self, 0, 2),
                        wrongAttempts: result.decode(Int.self, 0, 3)
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

    /// The first four bytes of a phone key as a signed 32-bit lock id.
    private static func lockObject(_ phoneKey: [UInt8]) -> Int64 {
        let bits = phoneKey.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return Int64(Int32(bitPattern: bits))
    }
}
