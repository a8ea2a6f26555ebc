import ItineraryPostgres
import ItineraryStore

/// ``PartnerStore`` in PostgreSQL (the partners through ``PartnerRegistry``, which the CLI also uses).
struct PostgresPartnerStore: PartnerStore {
    let pool: DatabasePool

    func partners() async throws -> [Partner] {
        try await pool.run { try PartnerRegistry.all(on: $0) }
    }

    func recordRead(clientID: String, phoneKey: [UInt8], at time: Int64, purpose: String, outcome: String) async throws
    {
        _ = try await pool.run { connection in
            try connection.execute(
                "INSERT INTO partner_reads (client_id, phone_key, at, purpose, outcome) VALUES ($1, $2, $3::int8, $4, $5)",
                .text(clientID), .bytes(phoneKey), .int(time), .text(purpose), .text(outcome))
        }
    }

    func grantConsent(clientID: String, phoneKey: [UInt8], at time: Int64, expiresAt: Int64) async throws {
        _ = try await pool.run { connection in
            try connection.execute(
                """
                INSERT INTO partner_consents (client_id, phone_key, granted_at, expires_at) VALUES ($1, $2, $3::int8, $4::int8)
                ON CONFLICT (phone_key, client_id) DO UPDATE
                SET granted_at = EXCLUDED.granted_at, expires_at = EXCLUDED.expires_at, withdrawn_at = NULL
                """, .text(clientID), .bytes(phoneKey), .int(time), .int(expiresAt))
        }
    }

    /// The check and the record in one statement.
    func consentedRead(clientID: String, phoneKey: [UInt8], at time: Int64) async throws -> Bool {
        try await pool.run { connection in
            try connection.execute(
                """
                INSERT INTO partner_reads (client_id, phone_key, at, purpose, outcome)
                SELECT $1, $2, $3::int8, 'consent', CASE WHEN EXISTS (
                    SELECT 1 FROM partner_consents WHERE phone_key = $2 AND client_id = $1 AND withdrawn_at IS NULL
                        AND expires_at > $3::int8) THEN 'card' ELSE 'no_consent' END
                RETURNING outcome
                """, .text(clientID), .bytes(phoneKey), .int(time)
            ).string(0, 0) == "card"
        }
    }

    func withdraw(
        phoneKey: [UInt8], partnerName: String?, clientID: String?, at time: Int64
    ) async throws
        -> [String]
    {
        try await pool.run { connection in
            let result = try connection.execute(
                """
                UPDATE partner_consents c SET withdrawn_at = $2::int8 FROM partners p
                WHERE c.client_id = p.client_id AND c.phone_key = $1 AND c.withdrawn_at IS NULL AND c.expires_at > $2::int8
                    AND ($3::text IS NULL OR lower(p.name) = lower($3)) AND ($4::text IS NULL OR p.client_id = $4)
                RETURNING p.name
                """, .bytes(phoneKey), .int(time), partnerName.map { .text($0) }, clientID.map { .text($0) })
            return (0..<result.rowCount).compactMap { result.string($0, 0) }.sorted()
        }
    }

    func audit(
        phoneKey: [UInt8], at time: Int64, limit: Int
    ) async throws -> (
        reads: [PartnerRead], consents: [PartnerConsent]
    ) {
        try await pool.run { connection in
            let reads = try connection.execute(
                """
                SELECT p.name, r.at, r.purpose, r.outcome FROM partner_reads r JOIN partners p USING (client_id)
                WHERE r.phone_key = $1 ORDER BY r.at DESC, r.id DESC LIMIT $2::int4
                """, parameters: [.bytes(phoneKey), .int(Int64(limit))], resultFormat: .binary)
            let consents = try connection.execute(
                """
                SELECT c.client_id, p.name, c.granted_at, c.expires_at FROM partner_consents c JOIN partners p USING (client_id)
                WHERE c.phone_key = $1 AND c.withdrawn_at IS NULL AND c.expires_at > $2::int8 ORDER BY c.granted_at, p.name
                """, parameters: [.bytes(phoneKey), .int(time)], resultFormat: .binary)
            return (
                try (0..<reads.rowCount).map { row in
                    PartnerRead(
                        partnerName: reads.string(row, 0) ?? "", at: try reads.int64(row, 1) ?? 0,
                        purpose: reads.string(row, 2) ?? "", outcome: reads.string(row, 3) ?? "")
                },
                try (0..<consents.rowCount).map { row in
                    PartnerConsent(
                        clientID: consents.string(row, 0) ?? "", partnerName: consents.string(row, 1) ?? "",
                        grantedAt: try consents.int64(row, 2) ?? 0, expiresAt: try consents.int64(row, 3) ?? 0)
                }
            )
        }
    }

    func purgeExpired(now time: Int64, readsBefore: Int64) async throws {
        try await pool.run { connection -> Void in
            try connection.execute("DELETE FROM partner_reads WHERE at < $1::int8", .int(readsBefore))
            try connection.execute(
                "DELETE FROM partner_consents WHERE expires_at < $1::int8 OR withdrawn_at < $1::int8", .int(time))
        }
    }
}
