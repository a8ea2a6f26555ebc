import Foundation
import ItineraryCore

/// Loads a risk-area list (docs/feed-format.md): `adcode,name,level,start,end`, RFC 3339 times, an empty
/// `end` while the area is active, `level` `medium` or `high`.
public enum RiskAreas {
    public static func load(contentsOf url: URL, directory: PlaceDirectory) throws -> [RiskArea] {
        try parse(CSVRows(contentsOf: url, required: columns), directory: directory)
    }

    /// Parses list text; `file` names it in errors.
    public static func parse(_ text: String, file: String = "risk.csv", directory: PlaceDirectory) throws -> [RiskArea]
    {
        try parse(CSVRows(text: text, file: file, required: columns), directory: directory)
    }

    private static let columns = ["adcode", "name", "level", "start", "end"]

    private static func parse(_ rows: CSVRows, directory: PlaceDirectory) throws -> [RiskArea] {
        var areas: [RiskArea] = []
        try rows.forEach { row in
            guard let adcode = Int(row["adcode"]), let city = directory.city(ofAdcode: adcode) else {
                throw row.error("adcode '\(row["adcode"])' is not a known division with a card city")
            }
            guard let level = RiskLevel(rawValue: row["level"].lowercased()) else {
                throw row.error("level '\(row["level"])' is not medium or high")
            }
            let period = try ActivePeriod(row: row)
            areas.append(RiskArea(adcode: adcode, city: city, name: row["name"], level: level, period: period))
        }
        return areas
    }
}

extension ActivePeriod {
    /// Reads the `start` and (possibly empty) `end` RFC 3339 columns of a reference row.
    init(row: CSVRows.Row) throws {
        guard let start = UTCTimestamp.parse(row["start"]) else {
            throw row.error("start '\(row["start"])' is not an RFC 3339 time")
        }
        var end: Int64?
        if !row["end"].isEmpty {
            guard let time = UTCTimestamp.parse(row["end"]) else {
                throw row.error("end '\(row["end"])' is not an RFC 3339 time")
            }
            guard time >= start else { throw row.error("end is before start") }
            end = time
        }
        self.init(start: start, end: end)
    }
}
