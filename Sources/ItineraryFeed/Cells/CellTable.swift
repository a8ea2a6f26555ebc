import Foundation
import ItineraryCore

/// Maps a cell key to the card city it lies in. Lookups run once per feed record, so the table
/// is an open-addressing hash over flat arrays with a multiply-shift hash rather than a `Dictionary`.
public struct CellTable: Sendable {
    private var networks: [UInt32]
    private var cells: [UInt64]
    /// `PlaceCode.rawValue` per slot; 0 marks an empty slot (no place code is 0).
    private var places: [UInt32]
    private var mask: Int
    public private(set) var count = 0

    /// A table holding `entries`; later entries replace earlier ones with the same key.
    public init(_ entries: some Sequence<(CellKey, PlaceCode)>) {
        networks = []
        cells = []
        places = []
        mask = 0
        let entries = Array(entries)
        resize(to: entries.count)
        for (key, place) in entries { insert(key, place) }
    }

    public static let empty = CellTable([])

    /// The card city of a cell, `nil` if unknown.
    public subscript(key: CellKey) -> PlaceCode? {
        let raw = place(of: key)
        return raw == 0 ? nil : PlaceCode(rawValue: raw)
    }

    /// The raw place code of a cell, 0 if unknown: the reader's allocation-free path.
    @inline(__always)
    func place(of key: CellKey) -> UInt32 {
        var slot = Int(truncatingIfNeeded: key.mixed) & mask
        while true {
            let place = places[slot]
            if place == 0 { return 0 }
            if cells[slot] == key.cell, networks[slot] == key.network { return place }
            slot = (slot &+ 1) & mask
        }
    }

    private mutating func insert(_ key: CellKey, _ place: PlaceCode) {
        var slot = Int(truncatingIfNeeded: key.mixed) & mask
        while places[slot] != 0 {
            if cells[slot] == key.cell, networks[slot] == key.network {
                places[slot] = place.rawValue
                return
            }
            slot = (slot &+ 1) & mask
        }
        networks[slot] = key.network
        cells[slot] = key.cell
        places[slot] = place.rawValue
        count += 1
    }

    /// Sizes the table for `count` entries at a load factor of at most one half.
    private mutating func resize(to count: Int) {
        var capacity = 16
        while capacity < count * 2 { capacity <<= 1 }
        networks = [UInt32](repeating: 0, count: capacity)
        cells = [UInt64](repeating: 0, count: capacity)
        places = [UInt32](repeating: 0, count: capacity)
        mask = capacity - 1
    }
}

extension CellTable {
    /// Loads a cells CSV, `mcc,mnc,lac,cell_id,adcode` with a header line, mapping each
    /// division adcode to its card city.
    /// - Throws: `ReferenceDataError` naming the line of a malformed row, an unknown adcode,
    ///   or a cell listed twice with different places.
    public static func load(contentsOf url: URL, directory: PlaceDirectory) throws -> CellTable {
        CellTable(
            try rows(contentsOf: url, directory: directory).map { ($0.key, directory.city(ofAdcode: $0.adcode)!) })
    }

    /// The checked rows of a cells CSV with their division adcodes, as a store keeps them.
    public static func rows(contentsOf url: URL, directory: PlaceDirectory) throws -> [(key: CellKey, adcode: Int)] {
        let rows = try CSVRows(contentsOf: url, required: ["mcc", "mnc", "lac", "cell_id", "adcode"])
        var entries: [CellKey: (adcode: Int, city: PlaceCode, line: Int)] = [:]
        entries.reserveCapacity(rows.count)
        try rows.forEach { row in
            guard let mcc = Int(row["mcc"]), let mnc = Int(row["mnc"]), let lac = Int(row["lac"]),
                let cellID = Int(row["cell_id"]),
                let key = CellKey(mcc: mcc, mnc: mnc, lac: lac, cellID: cellID)
            else { throw row.error("malformed cell key") }
            guard let adcode = Int(row["adcode"]), let city = directory.city(ofAdcode: adcode) else {
                throw row.error("adcode '\(row["adcode"])' is not a known division with a card city")
            }
            if let existing = entries[key], existing.city != city {
                throw row.error("cell is already mapped to \(existing.city) on line \(existing.line)")
            }
            entries[key] = (adcode, city, row.line)
        }
        return entries.map { ($0.key, $0.value.adcode) }
    }
}
