import Crypto
import Foundation
import ItineraryPostgres
import ItineraryStore

/// The operator's side of `partners` (SQL/0011), for `itinerary partners` and the service:
/// plain calls on one connection, like ``KeyRevocations``.
public enum PartnerRegistry {
    /// Quotas and scopes of a new partner.
    public struct Terms: Sendable, Hashable {
        public var requestsPerSecond: Int
        public var readsPerDay: Int
        public var scopes: Set<PartnerScope>

        public init(
            requestsPerSecond: Int = 20, readsPerDay: Int = 100_000, scopes: Set<PartnerScope> = [.relay, .consent]
        ) {
            self.requestsPerSecond = requestsPerSecond
            self.readsPerDay = readsPerDay
            self.scopes = scopes
        }
    }

    /// A name fit for an SMS and the page: 1 to 32 characters, no control characters, no
    /// leading or trailing space.
    public static func isName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 32 && name.trimmingCharacters(in: .whitespaces) == name
            && !name.unicodeScalars.contains { $0.properties.generalCategory == .control || $0 == "\u{7F}" }
    }

    /// Registers a partner; returns its client id and secret, which are shown once: only the
    /// secret's hash is stored.
    public static func add(
        name: String, terms: Terms, at time: Int64, on connection: PostgresConnection
    ) throws -> (clientID: String, secret: String) {
        let clientID = "ptn_" + Hex.encode(SecureRandom.bytes(8))
        let secret = newSecret()
        try connection.execute(
            """
            INSERT INTO partners (client_id, name, secret_hash, secret_changed_at, requests_per_second, reads_per_day,
                scopes, created_at)
            VALUES ($1, $2, $3, $4::int8, $5::int4, $6::int4, $7::text[], $4::int8)
            """,
            .text(clientID), .text(name), .bytes(secretHash(secret)), .int(time), .int(Int64(terms.requestsPerSecond)),
            .int(Int64(terms.readsPerDay)),
            .text("{" + terms.scopes.sorted().map(\.rawValue).joined(separator: ",") + "}")
        )
        return (clientID, secret)
    }

    /// Every partner, revoked ones included, oldest first.
    public static func all(on connection: PostgresConnection) throws -> [Partner] {
        let result = try connection.execute(
            """
            SELECT client_id, name, secret_hash, secret_changed_at, requests_per_second, reads_per_day,
                array_to_string(scopes, ' '), created_at, revoked_at
            FROM partners ORDER BY created_at, client_id
            """, parameters: [], resultFormat: .binary)
        return try (0..<result.rowCount).map { row in
            Partner(
                clientID: result.string(row, 0) ?? "", name: result.string(row, 1) ?? "",
                secretHash: try result.bytes(row, 2) ?? [], secretChangedAt: try result.int64(row, 3) ?? 0,
                requestsPerSecond: Int(try result.int64(row, 4) ?? 1), readsPerDay: Int(try result.int64(row, 5) ?? 1),
                scopes: Set(
                    (result.string(row, 6) ?? "").split(separator: " ").compactMap {
                        PartnerScope(rawValue: String($0))
                    }),
                createdAt: try result.int64(row, 7) ?? 0, revokedAt: try result.int64(row, 8))
        }
    }

    /// Gives a partner a new secret (returned, shown once); tokens issued with the old one are
    /// refused from `time`. `nil` when no live partner has that id.
    public static func rotate(_ clientID: String, at time: Int64, on connection: PostgresConnection) throws -> String? {
        let secret = newSecret()
        let changed = try connection.execute(
            """
            UPDATE partners SET secret_hash = $2, secret_changed_at = $3::int8
            WHERE client_id = $1 AND revoked_at IS NULL
            """, .text(clientID), .bytes(secretHash(secret)), .int(time)
        ).affectedRows
        return changed == 1 ? secret : nil
    }

    /// Revokes a partner at `time`; `false` when there is no such partner or it already was.
    @discardableResult
    public static func revoke(_ clientID: String, at time: Int64, on connection: PostgresConnection) throws -> Bool {
        try connection.execute(
            "UPDATE partners SET revoked_at = $2::int8 WHERE client_id = $1 AND revoked_at IS NULL", .text(clientID),
            .int(time)
        ).affectedRows == 1
    }

    /// SHA-256 of a client secret: a secret is 32 random bytes, so no key is needed against guessing.
    static func secretHash(_ secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(secret.utf8)))
    }

    private static func newSecret() -> String { Base64URL.encode(SecureRandom.bytes(32)) }
}
