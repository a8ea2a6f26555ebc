import ItineraryPostgres
import ItineraryStore

/// ``TokenStore`` in PostgreSQL.
struct PostgresTokenStore: TokenStore {
    let pool: DatabasePool

    func token(hash tokenHash: [UInt8]) async throws -> TokenRecord? {
        try await pool.run { connection in
            let result = try connection.execute(
                "SELECT phone_key, client, phone_sealed, expires_at FROM lookup_tokens WHERE token_hash = $1",
                parameters: [.bytes(tokenHash)], resultFormat: .binary
            )
            guard result.rowCount == 1 else { return nil }
            return try TokenRecord(
                phoneKey: result.decode([UInt8].self, 0, 0), client: result.decode(String.self, 0, 1),
                phoneSealed: result.decode([UInt8].self, 0, 2), expiresAt: result.decode(Int64.self, 0, 3)
            )
        }
    }
}
