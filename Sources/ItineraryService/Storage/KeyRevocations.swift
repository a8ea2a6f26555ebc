import ItineraryPostgres
import ItineraryStore

/// A withdrawn attestation signing key, as `attestation_key_revocations` (SQL/0008) records it.
public struct KeyRevocation: Sendable, Hashable {
    /// The key's ``AttestationKeyID``.
    public var keyID: String
    /// When it was withdrawn (Unix seconds).
    public var revokedAt: Int64
    public var reason: String
}

/// The store's list of withdrawn signing keys, shared by every service instance and the CLI.
public enum KeyRevocations {
    /// Whether `text` can be a key id: base64url of 8 bytes.
    public static func isKeyID(_ text: String) -> Bool {
        guard let bytes = Base64URL.decode(text) else { return false }
        return bytes.count == 8 && Base64URL.encode(bytes) == text
    }

    /// Every withdrawn key, oldest first.
    public static func all(on connection: PostgresConnection) throws -> [KeyRevocation] {
        let result = try connection.execute(
            "SELECT kid, revoked_at, reason FROM attestation_key_revocations ORDER BY revoked_at, kid")
        return try (0..<result.rowCount).map { row in
            KeyRevocation(
                keyID: try result.decode(String.self, row, 0), revokedAt: try result.decode(Int64.self, row, 1),
                reason: try result.decode(String.self, row, 2))
        }
    }

    /// Withdraws `keyID` at `time`; `false` when it already was (the first record stands).
    @discardableResult
    public static func revoke(
        _ keyID: String, reason: String, at time: Int64, on connection: PostgresConnection
    ) throws -> Bool {
        try connection.execute(
            """
            INSERT INTO attestation_key_revocations (kid, revoked_at, reason) VALUES ($1, $2::int8, $3)
            ON CONFLICT (kid) DO NOTHING
            """, .text(keyID), .int(time), .text(reason)
        ).affectedRows > 0
    }
}
