import Foundation
import ItineraryCore

/// Loads the Chinese administrative divisions table (SPEC §2.2):
/// `adcode,name,level,province,city[,longitude,latitude]`.
public enum Divisions {
    /// The table shipped with the program.
    public static var bundledURL: URL {
        Bundle.module.url(forResource: "divisions", withExtension: "csv")!
    }

    /// Loads the bundled table.
    public static func load() throws -> [Division] {
        try load(contentsOf: bundledURL)
    }

    /// Loads a divisions CSV.
    public static func load(contentsOf url: URL) throws -> [Division] {
        let rows = try CSVRows(contentsOf: url, required: ["adcode", "name", "level", "province", "city"])
        var divisions: [Division] = []
        divisions.reserveCapacity(rows.count)
        try rows.forEach { row in
            guard let adcode = Int(row["adcode"]), PlaceCode(adcode: adcode) != nil else {
                throw row.error("adcode '\(row["adcode"])' is not 6 digits")
            }
            guard let province = Int(row["province"]) else { throw row.error("bad province '\(row["province"])'") }
            let cityText = row["city"]
            let city = Int(cityText)
            guard cityText.isEmpty || city != nil else { throw row.error("bad city '\(cityText)'") }
            divisions.append(Division(adcode: adcode, name: row["name"], level: row["level"], province: province, city: city))
        }
        return divisions
    }
}
