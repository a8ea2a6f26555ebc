import Foundation
import ItineraryCore

/// Loads the Chinese administrative divisions table (docs/feed-format.md):
/// `adcode,name,level,province,city[,longitude,latitude]`.
public enum Divisions {
    /// The table shipped with the program.
    public static var bundledURL: URL {
        Bundle.module.url(forResource: "divisions", withExtension: "csv")!
    }

    /// The English names of provinces and card cities shipped with the program
    /// (`adcode,name,name_en`; pinyin, or the usual English name where there is one).
    public static var bundledEnglishNamesURL: URL {
        Bundle.module.url(forResource: "city-names-en", withExtension: "csv")!
    }

    /// Loads the bundled table with the bundled English names.
    public static func load() throws -> [Division] {
        let names = try englishNames(contentsOf: bundledEnglishNamesURL)
        return try load(contentsOf: bundledURL).map { division in
            var division = division
            division.nameEn = names[division.adcode]
            return division
        }
    }

    /// English names by adcode from an `adcode,name,name_en` CSV.
    public static func englishNames(contentsOf url: URL) throws -> [Int: String] {
        let rows = try CSVRows(contentsOf: url, required: ["adcode", "name_en"])
        var names: [Int: String] = [:]
        try rows.forEach { row in
            guard let adcode = Int(row["adcode"]) else { throw row.error("bad adcode '\(row["adcode"])'") }
            if !row["name_en"].isEmpty { names[adcode] = row["name_en"] }
        }
        return names
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
            divisions.append(
                Division(adcode: adcode, name: row["name"], level: row["level"], province: province, city: city))
        }
        return divisions
    }
}
