import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryPostgres
import ItineraryStore

extension Workspace {
    /// Loads a cells CSV unless cells are already in force (or `replacing`); returns what it did.
    /// A cell whose card city changes is a move: records already applied keep the city they were
    /// applied with, records applied from now on get the new one, so a card can list both.
    /// - Throws: `CellMovesError` when the file moves cells and `allowingMoves` is false
    ///   (nothing is loaded then).
    @discardableResult
    public func loadingCells(from url: URL, replacing: Bool = false, allowingMoves: Bool = false) throws -> CellLoad {
        let reference = ReferenceStore(connection: try connect())
        if !replacing, try reference.currentLoad(.cells) != nil { return CellLoad(count: 0, moves: []) }
        let rows = try CellTable.rows(contentsOf: url, directory: places)
        let moves = CellMove.between(
            try reference.cells().compactMap { row in
                guard let key = CellKey(mcc: row.mcc, mnc: row.mnc, lac: row.lac, cellID: row.cellID),
                    let city = places.city(ofAdcode: row.adcode)
                else { return nil }
                return (key, city)
            },
            rows.compactMap { row in places.city(ofAdcode: row.adcode).map { (row.key, $0) } })
        guard moves.isEmpty || allowingMoves else { throw CellMovesError(moves: moves, places: places) }
        try reference.replaceCells(
            rows.map {
                .init(mcc: $0.key.mcc, mnc: $0.key.mnc, lac: $0.key.lac, cellID: $0.key.cellID, adcode: $0.adcode)
            }, source: url.lastPathComponent)
        return CellLoad(count: rows.count, moves: moves)
    }
}

/// What a cells load did: the cells now in force and the ones it moved to another city.
public struct CellLoad: Sendable {
    public var count: Int
    public var moves: [CellMove]
}

/// A cells load that would move cells to another city, refused until the operator allows it.
public struct CellMovesError: Error, CustomStringConvertible {
    public var moves: [CellMove]
    let places: PlaceDirectory

    public var description: String {
        "this cell table moves \(moves.count) cell\(moves.count == 1 ? "" : "s") to another city:\n"
            + CellMove.report(moves, places: places)
            + "\nrecords already applied keep the city they were applied with, so cards could list both; "
            + "load it with --allow-moves to proceed"
    }
}

extension CellMove {
    /// One line per move, at most `limit`, then how many more.
    public static func report(_ moves: [CellMove], places: PlaceDirectory, limit: Int = 20) -> String {
        var lines = moves.prefix(limit).map { move in
            "  \(move.cellName): \(move.from) \(places.displayName(move.from)) → \(move.to) \(places.displayName(move.to))"
        }
        if moves.count > limit { lines.append("  … and \(moves.count - limit) more") }
        return lines.joined(separator: "\n")
    }
}

extension Workspace {
    /// Replaces the risk list in force with a risk-area CSV; returns the number of areas.
    @discardableResult
    public func loadRisk(from url: URL) throws -> Int {
        let areas = try RiskAreas.load(contentsOf: url, directory: places)
        try ReferenceStore(connection: try connect()).replaceRisk(
            areas, source: url.lastPathComponent, then: refreshCards(on:))
        return areas.count
    }

    /// Replaces the close-contact list in force with a contacts CSV, keeping only phone keys.
    @discardableResult
    public func loadContacts(from url: URL) throws -> Int {
        let entries = try CloseContacts.parse(String(contentsOf: url, encoding: .utf8), file: url.lastPathComponent)
        try ReferenceStore(connection: try connect()).replaceContacts(
            entries.map { (keyer.key(for: $0.0), $0.1) }, source: url.lastPathComponent, then: refreshCards(on:))
        return entries.count
    }
}

extension Workspace {
    /// Recomputes the stored card of every phone under the lists in force, at the data time, in
    /// the transaction of the list load on `connection`: the list and the cards it gives commit
    /// together, so no reader (`itinerary_card`, the lookup service) sees one without the other.
    func refreshCards(on connection: PostgresConnection) throws {
        // A coordinator's cards are its shards': each refreshes its own when the list is loaded there.
        guard try !ShardCoordinator.isCoordinator(connection) else { return }
        let rules = try rules(try ruleConfiguration(RuleOverrides(), recording: false), connection: connection)
        let contacts = try contacts(connection: connection)
        try PipelineStore(connection: connection).refreshAllCards { key, track, time in
            PhoneSnapshot(track: track, key: key, contacts: contacts, rules: rules, at: time)
        }
    }
}
