import Foundation
import ItineraryCore

/// Loads the health authorities' close-contact list (docs/feed-format.md): `msisdn,start,end`, RFC 3339
/// times, an empty `end` while the phone is still listed.
public enum CloseContacts {
    public static func load(contentsOf url: URL) throws -> ContactList<Phone> {
        ContactList(try entries(CSVRows(contentsOf: url, required: columns)))
    }

    /// Parses list text into entries; `file` names it in errors.
    public static func parse(_ text: String, file: String = "contacts.csv") throws -> [(Phone, ActivePeriod)] {
        try entries(CSVRows(text: text, file: file, required: columns))
    }

    private static let columns = ["msisdn", "start", "end"]

    private static func entries(_ rows: CSVRows) throws -> [(Phone, ActivePeriod)] {
        var entries: [(Phone, ActivePeriod)] = []
        try rows.forEach { row in
            guard let phone = Phone(row["msisdn"]) else {
                throw row.error("msisdn '\(row["msisdn"])' is not a mainland mobile number")
            }
            entries.append((phone, try ActivePeriod(row: row)))
        }
        return entries
    }
}
