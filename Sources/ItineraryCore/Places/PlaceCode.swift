/// The code of a card place: a 6-digit city adcode or an ISO 3166-1 alpha-2 country code.
///
/// The raw value preserves the rules' ordering of codes compared as strings: all 6-digit
/// adcodes (digits) sort before all alpha-2 codes (letters), adcodes sort numerically and
/// alpha-2 codes by their two letters.
public struct PlaceCode: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32

    private static let countryBase: UInt32 = 1_000_000

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// A mainland city by its 6-digit adcode.
    public init?(adcode: Int) {
        guard (100_000...999_999).contains(adcode) else { return nil }
        rawValue = UInt32(adcode)
    }

    /// A country or region by its upper-case ISO alpha-2 code.
    public init?(iso2: String) {
        let letters = Array(iso2.utf8)
        guard letters.count == 2, letters.allSatisfy({ (65...90).contains($0) }) else { return nil }
        rawValue = Self.countryBase + UInt32(letters[0]) << 8 + UInt32(letters[1])
    }

    /// Parses either form, as written on a card.
    public init?(_ text: String) {
        if let adcode = Int(text), text.utf8.count == 6 {
            self.init(adcode: adcode)
        } else {
            self.init(iso2: text)
        }
    }

    public var isMainland: Bool { rawValue < Self.countryBase }

    /// The adcode of a mainland city, `nil` abroad.
    public var adcode: Int? { isMainland ? Int(rawValue) : nil }

    public var kind: PlaceKind {
        if isMainland { return .city }
        switch description {
        case "HK", "MO", "TW": return .region
        default: return .country
        }
    }

    public var description: String {
        if isMainland { return String(rawValue) }
        let letters = rawValue - Self.countryBase
        return String(decoding: [UInt8(letters >> 8), UInt8(letters & 0xFF)], as: UTF8.self)
    }

    public static func < (lhs: PlaceCode, rhs: PlaceCode) -> Bool { lhs.rawValue < rhs.rawValue }
}
