import ItineraryCore

/// Cards read from the store at any time `T`: the phone's committed engine state, the risk list
/// in force and its close-contact status, through the same rules as the pipeline. So a new risk
/// list shows at once, without re-ingesting feeds.
public final class CardStore: @unchecked Sendable {
    // Used from one thread at a time; the lookup service gives each worker its own.
    let connection: PostgresConnection
    let places: PlaceDirectory
    let configuration: RuleConfiguration
    private var risk: (load: Int64?, map: RiskMap)?

    public init(connection: PostgresConnection, places: PlaceDirectory, configuration: RuleConfiguration) {
        self.connection = connection
        self.places = places
        self.configuration = configuration
    }

    /// The newest event time the pipeline has accepted: "now" for data replayed from the past.
    public func dataTime() throws -> Int64? {
        try PipelineStore.newestAccepted(connection)
    }

    /// The card of the phone with `key` at `time`; no places if the store knows nothing of it.
    public func card(for key: PhoneKey, at time: Int64) throws -> Card {
        let result = try connection.execute("""
            SELECT t.state,
                   EXISTS (SELECT 1 FROM contacts c JOIN current_reference r ON r.kind = 'contacts' AND r.load_id = c.load_id
                           WHERE c.phone_key = $1 AND c.start_at <= to_timestamp($2::int8)
                             AND (c.end_at IS NULL OR c.end_at > to_timestamp($2::int8)))
            FROM (SELECT $1::bytea AS phone_key) k LEFT JOIN phone_tracks t ON t.phone_key = k.phone_key
            """, parameters: [.bytes(key.bytes), .int(time)], resultFormat: .binary)
        let track = try result.bytes(0, 0).flatMap { PhoneTrack(encoded: $0) } ?? PhoneTrack()
        let closeContact = try result.bool(0, 1) ?? false
        let rules = CardRules(configuration: configuration, risk: try currentRisk())
        return rules.card(visits: track.visits(through: time, rules: rules), at: time, closeContact: closeContact)
    }

    /// The risk areas in force, re-read only when a new list has been loaded.
    private func currentRisk() throws -> RiskMap {
        let reference = ReferenceStore(connection: connection)
        let load = try reference.currentLoad(.risk)
        if let risk, risk.load == load { return risk.map }
        let map = RiskMap(try reference.riskAreas())
        risk = (load, map)
        return map
    }
}
