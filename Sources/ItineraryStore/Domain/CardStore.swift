import Foundation
import ItineraryCore
import Synchronization

/// Cards read from the store at any time `T`: the phone's committed engine state, the risk list
/// in force and its close-contact status, through the same rules as the pipeline. So a new risk
/// list shows at once, without re-ingesting feeds. Safe to share; each call brings its connection.
public final class CardStore: Sendable {
    let configuration: RuleConfiguration
    /// The risk areas of the load in force, re-read only when a new list is loaded; which load is
    /// in force is asked at most once per `riskRefreshInterval`, not on every card.
    private let risk = Mutex<(load: Int64?, map: RiskMap, checked: Double)?>(nil)
    private let riskRefreshInterval: Double

    /// - Parameter riskRefreshInterval: seconds a risk list may be served after a new one is loaded.
    public init(configuration: RuleConfiguration, riskRefreshInterval: Double = 1) {
        self.configuration = configuration
        self.riskRefreshInterval = riskRefreshInterval
    }

    /// The newest event time the pipeline has accepted: "now" for data replayed from the past.
    public func dataTime(on connection: PostgresConnection) throws -> Int64? {
        try PipelineStore.newestAccepted(connection)
    }

    /// The card of the phone with `key` at `time`; no places if the store knows nothing of it.
    public func card(for key: PhoneKey, at time: Int64, on connection: PostgresConnection) throws -> Card {
        let result = try connection.execute("""
            SELECT t.state,
                   EXISTS (SELECT 1 FROM contacts c JOIN current_reference r ON r.kind = 'contacts' AND r.load_id = c.load_id
                           WHERE c.phone_key = $1 AND c.start_at <= to_timestamp($2::int8)
                             AND (c.end_at IS NULL OR c.end_at > to_timestamp($2::int8)))
            FROM (SELECT $1::bytea AS phone_key) k LEFT JOIN phone_tracks t ON t.phone_key = k.phone_key
            """, parameters: [.bytes(key.bytes), .int(time)], resultFormat: .binary)
        let track = try result.bytes(0, 0).flatMap { PhoneTrack(encoded: $0) } ?? PhoneTrack()
        let closeContact = try result.bool(0, 1) ?? false
        let rules = CardRules(configuration: configuration, risk: try currentRisk(on: connection))
        return rules.card(visits: track.visits(through: time, rules: rules), at: time, closeContact: closeContact)
    }

    private func currentRisk(on connection: PostgresConnection) throws -> RiskMap {
        let now = Date().timeIntervalSince1970
        let cached = risk.withLock { $0 }
        if let cached, now - cached.checked < riskRefreshInterval { return cached.map }
        let reference = ReferenceStore(connection: connection)
        let load = try reference.currentLoad(.risk)
        let map = try cached.flatMap { $0.load == load ? $0.map : nil } ?? RiskMap(reference.riskAreas())
        risk.withLock { $0 = (load, map, now) }
        return map
    }
}
