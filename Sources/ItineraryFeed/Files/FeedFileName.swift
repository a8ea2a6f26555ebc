import ItineraryCore

/// A feed file name, `<carrier>-<YYYYMMDDhhmmss>-<seq>.csv.zst` (docs/feed-format.md), e.g.
/// `cmcc-20220501080000-0007.csv.zst`. Names sort in delivery order within a carrier.
public struct FeedFileName: Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let suffix = ".csv.zst"

    public let carrier: FeedCarrier
    /// The delivery time in the name, Unix seconds (UTC).
    public let time: Int64
    /// The sequence number as written (its digits, leading zeros kept).
    public let sequence: String
    /// The name exactly as given.
    public let description: String

    /// Parses a file name (not a path); `nil` when it does not match exactly.
    public init?(_ name: String) {
        let bytes = Array(name.utf8)
        let suffix = Array(Self.suffix.utf8)
        guard bytes.count > suffix.count, bytes.suffix(suffix.count).elementsEqual(suffix) else { return nil }
        let stem = bytes.dropLast(suffix.count).split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard stem.count == 3,
            let carrier = FeedCarrier(rawValue: String(decoding: stem[0], as: UTF8.self)),
            stem[1].count == 14, !stem[2].isEmpty,
            stem[2].allSatisfy(Self.isDigit), stem[1].allSatisfy(Self.isDigit)
        else { return nil }
        let digits = String(decoding: stem[1], as: UTF8.self)
        // Reuse the RFC 3339 parser for its calendar checks (Feb 30 and hour 24 are refused).
        let d = Array(digits)
        let rfc3339 =
            "\(String(d[0..<4]))-\(String(d[4..<6]))-\(String(d[6..<8]))T\(String(d[8..<10])):\(String(d[10..<12])):\(String(d[12..<14]))Z"
        guard let time = UTCTimestamp.parse(rfc3339), d[12...13] != ["6", "0"] else { return nil }
        self.carrier = carrier
        self.time = time
        self.sequence = String(decoding: stem[2], as: UTF8.self)
        self.description = name
    }

    /// Builds the canonical name for a carrier, delivery time and sequence number.
    public init(carrier: FeedCarrier, time: Int64, sequence: Int) {
        let stamp = UTCTimestamp.format(time).filter(\.isNumber)
        let seq = String(sequence)
        let name =
            "\(carrier.rawValue)-\(stamp)-\(String(repeating: "0", count: max(0, 4 - seq.count)))\(seq)\(Self.suffix)"
        self.init(name)!
    }

    /// Delivery order: by time, then carrier, then sequence number (numerically), then name.
    public static func < (lhs: FeedFileName, rhs: FeedFileName) -> Bool {
        if lhs.time != rhs.time { return lhs.time < rhs.time }
        if lhs.carrier != rhs.carrier { return lhs.carrier < rhs.carrier }
        let (left, right) = (lhs.sequence.drop { $0 == "0" }, rhs.sequence.drop { $0 == "0" })
        if left.count != right.count { return left.count < right.count }
        if left != right { return left < right }
        return lhs.description < rhs.description
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
