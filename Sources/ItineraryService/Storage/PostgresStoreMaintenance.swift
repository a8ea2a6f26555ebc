import ItineraryCore
import ItineraryPostgres
import ItineraryStore

/// ``StoreMaintenance`` in PostgreSQL.
struct PostgresStoreMaintenance: StoreMaintenance {
    let pool: DatabasePool

    func ping() async throws {
        _ = try await pool.run { try $0.execute("SELECT 1").rowCount }
    }

    func purgeExpired(now: Int64, policy: OTPPolicy, outboxRetention: Duration) async throws {
        try await pool.run { connection in
            try connection.execute("DELETE FROM otp_codes WHERE expires_at < $1::int8", .int(now - 3600))
            try connection.execute(
                "DELETE FROM otp_sends WHERE sent_at <= $1::int8", .int(now - policy.dailyWindow.inWholeSeconds))
            try connection.execute("DELETE FROM lookup_tokens WHERE expires_at < $1::int8", .int(now - 3600))
            try connection.execute("DELETE FROM rate_counters WHERE window_start < $1::int8", .int(now - 86_400))
            try connection.execute("DELETE FROM sms_inbound_nonces WHERE expires_at < $1::int8", .int(now))
            try connection.execute(
                "DELETE FROM sms_outbox WHERE status NOT IN ('pending', 'sending') AND created_at < $1::int8",
                .int(now - outboxRetention.inWholeSeconds)
            )
        }
    }
}
