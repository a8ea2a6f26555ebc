import ItineraryPostgres
import ItineraryStore

/// ``KeyRevocationStore`` in PostgreSQL (``KeyRevocations``, which the CLI also uses).
struct PostgresKeyRevocationStore: KeyRevocationStore {
    let pool: DatabasePool

    func revokedKeys() async throws -> [KeyRevocation] {
        try await pool.run { try KeyRevocations.all(on: $0) }
    }
}
