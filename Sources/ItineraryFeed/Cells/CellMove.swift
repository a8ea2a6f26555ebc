import ItineraryCore

/// A cell whose card city changes from one cell table to the next.
public struct CellMove: Hashable, Sendable {
    public var key: CellKey
    public var from: PlaceCode
    public var to: PlaceCode

    public init(key: CellKey, from: PlaceCode, to: PlaceCode) {
        self.key = key
        self.from = from
        self.to = to
    }

    /// The cells present in both tables whose city differs, ordered by cell key. Cells added or
    /// removed are not moves: no applied record changes meaning because of them.
    public static func between(
        _ old: some Sequence<(key: CellKey, city: PlaceCode)>, _ new: some Sequence<(key: CellKey, city: PlaceCode)>
    ) -> [CellMove] {
        var before: [CellKey: PlaceCode] = [:]
        for (key, city) in old { before[key] = city }
        return new.compactMap { key, city in
            guard let previous = before[key], previous != city else { return nil }
            return CellMove(key: key, from: previous, to: city)
        }
        .sorted { ($0.key.network, $0.key.cell) < ($1.key.network, $1.key.cell) }
    }

    /// `460-00-4096-12345`.
    public var cellName: String { "\(key.mcc)-\(key.mnc < 10 ? "0" : "")\(key.mnc)-\(key.lac)-\(key.cellID)" }
}
