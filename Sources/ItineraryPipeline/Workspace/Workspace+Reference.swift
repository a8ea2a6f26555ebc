import Foundation
import ItineraryFeed
import ItineraryStore

extension Workspace {
    /// Loads a cells CSV unless cells are already in force; returns the number loaded.
    @discardableResult
    public func loadingCells(from url: URL, replacing: Bool = false) throws -> Int {
        let reference = ReferenceStore(connection: try connect())
        if !replacing, try reference.currentLoad(.cells) != nil { return 0 }
        let rows = try CellTable.rows(contentsOf: url, directory: places)
        try reference.replaceCells(rows.map {
            .init(mcc: $0.key.mcc, mnc: $0.key.mnc, lac: $0.key.lac, cellID: $0.key.cellID, adcode: $0.adcode)
        }, source: url.lastPathComponent)
        return rows.count
    }
}
