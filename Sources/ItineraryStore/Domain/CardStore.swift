import Foundation
import ItineraryCore
import ItineraryPostgres
import Synchronization

/// Cards at any time `T` from the phone's committed engine state, the risk list in force and its
/// close-contact status, through the same rules as the pipeline: `itinerary card --at` (exact
/// cards at another time than the data time). Readers of the current card, the lookup service
/// among them, read the stored card instead (``StoredCards``) and never decode engine state.
/// Safe to share; each call brings its connection.
public final class CardStore: Sendable {
    let configuration: RuleConfiguration
    /// The risk areas of the load in force, re-read only when a new list is loaded; which load is
    /// in force is asked at most once per `riskRefreshInterval`, not on every card.
    private let risk = Mutex<(load: Int64?, map: RiskMap, checked: ContinuousClock.Instant)?>(nil)
    private let riskRefreshInterval: Duration

    /// - Parameter riskRefreshInterval: how long a risk list may be served after a new one is loaded.
    public init(configuration: RuleConfiguration, riskRefreshInterval: Duration = .seconds(1)) {
        self.configuration = configuration
        self.riskRefreshInterval = riskRefreshInterval
    }

    /// The newest event time the pipeline has accepted (``StoredCards/dataTime(on:)``).
    public func dataTime(on connection: PostgresConnection) throws -> Int64? {
        try StoredCards.dataTime(on: connection)
    }

    /// The card of the phone with `key` at `time`; no places if the store knows nothing of it.
    public func card(for key: PhoneKey, at time: Int64, on connection: PostgresConnection) throws -> Card {
        try lookUp(key, at: time, on: connection).card
    }

    /// The card of the phone with `key` at `time`, or `nil` when the store holds nothing for it:
    /// no track (never seen, or past retention) and no close-contact entry in force at `time`.
    /// Such a phone gets no card, not an empty green one: the store cannot vouch for it.
    public func knownCard(for key: PhoneKey, at time: Int64, on connection: PostgresConnection) throws -> Card? {
        let found = try lookUp(key, at: time, on: connection)
        return found.known ? found.card : nil
    }

    private func lookUp(
        _ key: PhoneKey, at time: Int64, on connection: PostgresConnection
    ) throws -> (card: Card, known: Bool) {
        let result = try connection.execute(
            """
            SELECT t.state,
                   EXISTS (SELECT 1 FROM contacts c JOIN current_reference r ON r.kind = 'contacts' AND r.load_id = c.load_id
                           WHERE c.phone_key = $1 AND c.start_at <= to_timestamp($2::int8)
                             AND (c.end_at IS NULL OR c.end_at > to_timestamp($2::int8)))
            FROM (SELECT $1::bytea AS phone_key) k LEFT JOIN phone_tracks t ON t.phone_key = k.phone_key
            """, parameters: [.bytes(key.bytes), .int(time)], resultFormat: .binary)
        // NULL state: the phone has no track (the LEFT JOIN).
        let stored = try result.decode([UInt8]?.self, 0, 0).flatMap { PhoneTrack(encoded: $0) }
        let track = stored ?? PhoneTrack()
        let closeContact = try result.decode(Bool.self, 0, 1)
        let rules = CardRules(configuration: configuration, risk: try currentRisk(on: connection))
        let card = rules.card(visits: track.visits(through: time, rules: rules), at: time, closeContact: closeContact)
        return (card, stored != nil || closeContact)
    }

    /// The card at `time` as the rules give it, or an error when the store can no longer tell:
    /// the phone's observations up to a later time are folded into its visits, or retention
    /// may have dropped visits the window at `time` needs. Lookups at the data time never are.
    /// - Throws: `CardTimeError` for such a `time`.
    public func exactCard(for key: PhoneKey, at time: Int64, on connection: PostgresConnection) throws -> Card {
        if let newest = try dataTime(on: connection) {
            let earliest = newest - configuration.lateness - 86_400
            guard time >= earliest else { throw CardTimeError(requested: time, earliest: earliest) }
        }
        let result = try connection.execute(
            "SELECT state FROM phone_tracks WHERE phone_key = $1", parameters: [.bytes(key.bytes)],
            resultFormat: .binary)
        if result.rowCount > 0, let track = PhoneTrack(encoded: try result.decode([UInt8].self, 0, 0)),
            let sealed = track.sealedThrough, time < sealed
        {
            throw CardTimeError(requested: time, earliest: sealed)
        }
        return try card(for: key, at: time, on: connection)
    }

    private func currentRisk(on connection: PostgresConnection) throws -> RiskMap {
        let now = ContinuousClock.now
        let cached = risk.withLock { $0 }
        if let cached, now - cached.checked < riskRefreshInterval { return cached.map }
        let reference = ReferenceStore(connection: connection)
        let load = try reference.currentLoad(.risk)
        let map = try cached.flatMap { $0.load == load ? $0.map : nil } ?? RiskMap(reference.riskAreas())
        risk.withLock { $0 = (load, map, now) }
        return map
    }
}

/// A card asked for at a time the store has folded past.
public struct CardTimeError: Error, CustomStringConvertible {
    public var requested: Int64
    /// The earliest time this phone's card can be given exactly.
    public var earliest: Int64

    public var description: String {
        "the store cannot give this card exactly at \(UTCTimestamp.format(requested)): observations up to "
            + "\(UTCTimestamp.format(earliest)) are folded into its visits (or past retention); ask for a time at or after it, "
            + "or compute earlier cards from the feed files with `itinerary cards --at`"
    }
}
