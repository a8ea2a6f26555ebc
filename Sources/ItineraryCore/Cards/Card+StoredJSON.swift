extension Card {
    /// Reads back the places ``writePlaces(into:key:names:)`` wrote without names: the stored
    /// card's JSON (`cards.card`, `itinerary_card`'s `places`), which lookup services read for
    /// every card. `nil` when the bytes are not such an array: not JSON of that shape, an unknown
    /// place or exposure, a malformed time, or an escaped string (the encoder writes none in these
    /// fields). Keys may come in any order; others (`kind`, which the code gives) are skipped.
    public static func places(storedJSON bytes: [UInt8]) -> [CardPlace]? {
        var reader = StoredPlacesReader(bytes: bytes)
        return reader.places()
    }
}

/// A reader of the one shape the card encoder writes: an array of flat objects whose values are
/// strings, booleans or null.
private struct StoredPlacesReader {
    let bytes: [UInt8]
    var index = 0

    enum Value {
        case string(String)
        case bool(Bool)
        case null
    }

    mutating func places() -> [CardPlace]? {
        guard consume(UInt8(ascii: "[")) else { return nil }
        var places: [CardPlace] = []
        if !consume(UInt8(ascii: "]")) {
            repeat {
                guard let place = place() else { return nil }
                places.append(place)
            } while consume(UInt8(ascii: ","))
            guard consume(UInt8(ascii: "]")) else { return nil }
        }
        skipSpace()
        return index == bytes.count ? places : nil
    }

    private mutating func place() -> CardPlace? {
        guard consume(UInt8(ascii: "{")) else { return nil }
        var code: PlaceCode?, starred: Bool?, exposure: RiskLevel??, firstSeen: Int64?, lastSeen: Int64?
        repeat {
            guard let key = string(), consume(UInt8(ascii: ":")), let value = value() else { return nil }
            switch (key, value) {
            case ("code", .string(let text)): code = PlaceCode(text)
            case ("starred", .bool(let flag)): starred = flag
            case ("exposure", .null): exposure = .some(nil)
            case ("exposure", .string(let text)): exposure = RiskLevel(rawValue: text).map { .some($0) }
            case ("first_seen", .string(let text)): firstSeen = UTCTimestamp.parse(text)
            case ("last_seen", .string(let text)): lastSeen = UTCTimestamp.parse(text)
            case ("code", _), ("starred", _), ("exposure", _), ("first_seen", _), ("last_seen", _): return nil
            default: break
            }
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "}")), let code, let starred, let exposure, let firstSeen, let lastSeen else {
            return nil
        }
        return CardPlace(code: code, starred: starred, exposure: exposure, firstSeen: firstSeen, lastSeen: lastSeen)
    }

    private mutating func value() -> Value? {
        skipSpace()
        guard index < bytes.count else { return nil }
        let (word, value): (String, Value)
        switch bytes[index] {
        case UInt8(ascii: "\""): return string().map { .string($0) }
        case UInt8(ascii: "t"): (word, value) = ("true", .bool(true))
        case UInt8(ascii: "f"): (word, value) = ("false", .bool(false))
        case UInt8(ascii: "n"): (word, value) = ("null", .null)
        default: return nil
        }
        guard bytes[index...].starts(with: word.utf8) else { return nil }
        index += word.utf8.count
        return value
    }

    private mutating func string() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            guard bytes[index] != UInt8(ascii: "\\") else { return nil }
            index += 1
        }
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }
}
