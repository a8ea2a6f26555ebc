import ItineraryPostgres
import ItineraryStore

/// ``NonceStore`` in PostgreSQL.
struct PostgresNonceStore: NonceStore {
    let pool: DatabasePool

    func useNonce(_ nonce: String, expiresAt: Int64) async throws -> Bool {
        try await pool.run { connection in
            try connection.execute(
                "INSERT INTO sms_inbound_nonces (nonce, expires_at) VALUES ($1, $2::int8) ON CONFLICT (nonce) DO NOTHING",
                .text(nonce), .int(expiresAt)
            ).affectedRows == 1
        }
    }
}
