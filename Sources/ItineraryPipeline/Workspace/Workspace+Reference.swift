import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryStore

extension Workspace {
    /// Loads a cells CSV unless cells are already in force; returns the number loaded.
    @discardableResult
    public func loadingCells(from url: URL, replacing: Bool = false) throws -> Int {
        let reference = ReferenceStore(connection: try connect())
        if !replacing, try reference.currentLoad(.cells) != nil { return 0 }
        let rows = try CellTable.rows(contentsOf: url, directory: places)
        try reference.replaceCells(
            rows.map {
                .init(mcc: $0.key.mcc, mnc: $0.key.mnc, lac: $0.key.lac, cellID: $0.key.cellID, adcode: $0.adcode)
            }, source: url.lastPathComponent)
        return rows.count
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
        let rules = try rules(.standard, connection: connection)
        let contacts = try contacts(connection: connection)
        try PipelineStore(connection: connection).refreshAllCards { key, track, time in
            PhoneSnapshot(track: track, key: key, contacts: contacts, rules: rules, at: time)
        }
    }
}
