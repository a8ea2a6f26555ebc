import Foundation
import ItineraryCore

/// Loads the MCC table (ITU E.212): `mcc,iso2,name_zh,name_en`. Several MCCs may name one
/// country (310-316 are all the US); 460, the mainland, is never listed.
public enum Countries {
    /// The table shipped with the program.
    public static var bundledURL: URL {
        Bundle.module.url(forResource: "countries", withExtension: "csv")!
    }

    /// Loads the bundled table.
    public static func load() throws -> [Country] {
        try load(contentsOf: bundledURL)
    }

    /// Loads an MCC CSV.
    public static func load(contentsOf url: URL) throws -> [Country] {
        let rows = try CSVRows(contentsOf: url, required: ["mcc", "iso2", "name_zh", "name_en"])
        var countries: [Country] = []
        var seen: [Int: Int] = [:]
        try rows.forEach { row in
            let mccText = row["mcc"]
            guard mccText.utf8.count == 3, let mcc = Int(mccText), mcc >= 0 else {
                throw row.error("mcc '\(mccText)' is not 3 digits")
            }
            guard mcc != PlaceDirectory.mainlandMCC else { throw row.error("mcc 460 is the mainland, not a country") }
            if let line = seen[mcc] { throw row.error("mcc \(mcc) already listed on line \(line)") }
            guard let code = PlaceCode(iso2: row["iso2"]) else {
                throw row.error("iso2 '\(row["iso2"])' is not two capital letters")
            }
            guard !row["name_zh"].isEmpty else { throw row.error("name_zh is empty") }
            seen[mcc] = row.line
            countries.append(Country(mcc: mcc, code: code, nameZh: row["name_zh"], nameEn: row["name_en"]))
        }
        return countries
    }
}

extension PlaceDirectory {
    /// The directory of the bundled divisions and countries tables.
    public static func bundled() throws -> PlaceDirectory {
        PlaceDirectory(divisions: try Divisions.load(), countries: try Countries.load())
    }
}
