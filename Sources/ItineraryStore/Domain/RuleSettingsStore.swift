import ItineraryCore
import ItineraryPostgres

/// The rule settings (W, D, B, L) a store's data was built with (`rule_settings`, SQL/0007).
public struct RuleSettingsStore: Sendable {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// The recorded settings; `nil` while no command has written phone data under any.
    public func recorded() throws -> RuleConfiguration? {
        let result = try connection.execute(
            "SELECT window_seconds, min_dwell_seconds, bridge_seconds, lateness_seconds FROM rule_settings")
        guard result.rowCount > 0 else { return nil }
        return RuleConfiguration(
            window: try result.decode(Int64.self, 0, 0), minimumDwell: try result.decode(Int64.self, 0, 1),
            bridge: try result.decode(Int64.self, 0, 2), lateness: try result.decode(Int64.self, 0, 3))
    }

    /// Records `configuration` unless settings are recorded already; returns the settings in
    /// force afterwards (the earlier ones if another process recorded first).
    public func record(_ configuration: RuleConfiguration) throws -> RuleConfiguration {
        try connection.execute(
            """
            INSERT INTO rule_settings (window_seconds, min_dwell_seconds, bridge_seconds, lateness_seconds)
            VALUES ($1, $2, $3, $4) ON CONFLICT (singleton) DO NOTHING
            """, .int(configuration.window), .int(configuration.minimumDwell), .int(configuration.bridge),
            .int(configuration.lateness))
        return try recorded() ?? configuration
    }
}
