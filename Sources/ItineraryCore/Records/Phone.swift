/// A normalised mainland mobile number (`1[3-9]\d{9}`), held as its integer value.
///
/// Parsing works on bytes so the feed reader never builds a `String` per record.
public struct Phone: Hashable, Comparable, Sendable {
    /// The 11-digit number as an integer, e.g. `13800138000`.
    public let number: UInt64

    /// Wraps an already validated 11-digit number.
    public init?(number: UInt64) {
        guard number >= 13_000_000_000 && number <= 19_999_999_999 else { return nil }
        self.number = number
    }

    /// Parses `1[3-9]\d{9}`, optionally prefixed with `86` or `+86`.
    @inlinable
    public init?<Bytes: Collection>(ascii bytes: Bytes) where Bytes.Element == UInt8 {
        var index = bytes.startIndex
        switch bytes.count {
        case 11:
            break
        case 13, 14:
            if bytes.count == 14 {
                guard bytes[index] == UInt8(ascii: "+") else { return nil }
                index = bytes.index(after: index)
            }
            guard bytes[index] == UInt8(ascii: "8"), bytes[bytes.index(after: index)] == UInt8(ascii: "6") else {
                return nil
            }
            index = bytes.index(index, offsetBy: 2)
        default:
            return nil
        }
        var value: UInt64 = 0
        for position in 0..<11 {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit <= 9 else { return nil }
            if position == 0, digit != 1 { return nil }
            if position == 1, digit < 3 { return nil }
            value = value &* 10 &+ UInt64(digit)
            index = bytes.index(after: index)
        }
        self.number = value
    }

    /// Parses a number typed by a person or read from a CSV, as ``parse(typed:)`` does.
    public init?(_ text: String) {
        guard case .success(let phone) = Phone.parse(typed: text) else { return nil }
        self = phone
    }

    public static func < (lhs: Phone, rhs: Phone) -> Bool { lhs.number < rhs.number }

    /// The 11 digits.
    public var digits: String { String(number) }

    /// The number with its middle four digits hidden: `138****8000`.
    public var masked: String {
        let text = digits
        return text.prefix(3) + "****" + text.suffix(4)
    }
}
