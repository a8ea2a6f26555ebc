import ItineraryCore
import ItineraryPostgres

/// The current cards the pipeline keeps, read as every reader reads them: through
/// `itinerary_card(phone_key)` (docs/sql.md), one query per card. Each is the card at the
/// store's data time, kept current by the pipeline, so a reader needs neither the rules nor the
/// engine's state format (only the pipeline and `itinerary card --at` know that).
public enum StoredCards {
    /// The newest event time the pipeline has accepted: the time the stored cards are at.
    public static func dataTime(on connection: PostgresConnection) throws -> Int64? {
        try PipelineStore.newestAccepted(connection)
    }

    /// A stamp that changes whenever a stored card can change, and the data time with it. Every
    /// commit of phone data (pipeline, rejects replay, purge, the cards a new risk or contact list
    /// recomputes) rewrites the `pipeline_state` row, so its row version (`xmin`) changes; a new
    /// contact list changes the load in force, and with it the card of a close contact the store
    /// holds no track of (SQL/0010_one_card_path.sql).
    public static func changeStamp(on connection: PostgresConnection) throws -> (stamp: String, dataTime: Int64?) {
        let result = try connection.execute(
            """
            SELECT s.xmin::text || ';' || coalesce((SELECT string_agg(r.kind || '=' || r.load_id, ',' ORDER BY r.kind)
                                                   FROM current_reference r WHERE r.kind IN ('risk', 'contacts')), ''),
                   s.newest_accepted
            FROM pipeline_state s
            """)
        guard result.rowCount == 1 else { throw PostgresError(message: "pipeline_state has no row") }
        return (try result.decode(String.self, 0, 0), try result.decode(Int64?.self, 0, 1))
    }

    private static let statement = "itinerary_stored_card"
    /// The card of `$1` through `itinerary_card`; the places are read here (``Card/places(storedJSON:)``).
    private static let query = "SELECT extract(epoch FROM data_time)::int8, color, places FROM itinerary_card($1)"

    /// The stored card of the phone with `key`, at the data time (`Card.at`); `nil` when the
    /// store holds nothing for it: no card (never seen, or past retention) and no close-contact
    /// entry in force. Such a phone gets no card, not an empty green one: the store cannot vouch for it.
    /// - Throws: a `PostgresError` when the stored card does not read as a card.
    public static func card(for key: PhoneKey, on connection: PostgresConnection) throws -> Card? {
        let parameters: [PostgresValue?] = [.bytes(key.bytes)]
        let result: PostgresResult
        // Prepared once per connection: planning the inlined `itinerary_card` over the partitioned
        // tables costs several times its execution.
        do {
            result = try connection.executePrepared(name: statement, parameters: parameters, resultFormat: .binary)
        } catch let error as PostgresError where error.sqlState == "26000" {
            try connection.prepare(name: statement, sql: query)
            result = try connection.executePrepared(name: statement, parameters: parameters, resultFormat: .binary)
        }
        guard result.rowCount > 0 else { return nil }
        guard let color = CardColor(rawValue: try result.decode(String.self, 0, 1)),
            let places = Card.places(storedJSON: try result.decode([UInt8].self, 0, 2))
        else { throw PostgresError(message: "the stored card of a phone does not read as a card") }
        return Card(at: try result.decode(Int64.self, 0, 0), color: color, places: places)
    }
}
