extension Phone {
    /// The most characters a typed number may have (separators and full-width forms included).
    public static let maximumTypedCharacters = 32

    /// Parses a number as a person types it, from UTF-8 bytes: the one normaliser behind the
    /// page, the API and `itinerary card`.
    ///
    /// Accepts `+86`, `86` or nothing before the 11 digits; spaces, dashes, dots and parentheses
    /// anywhere; and the full-width forms a Chinese keyboard gives (`０`–`９`, `＋`, `－`, `．`,
    /// `（`, `）`, the ideographic space).
    public static func parse<Bytes: Collection>(typed bytes: Bytes) -> Result<Phone, PhoneInputError>
    where Bytes.Element == UInt8 {
        var digits: UInt64 = 0
        var digitCount = 0
        var characters = 0
        var plus = false
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let (symbol, length) = TypedSymbol.read(bytes, at: index)
            characters += 1
            guard characters <= maximumTypedCharacters else { return .failure(.tooLong) }
            switch symbol {
            case .digit(let digit):
                // More than 13 digits is wrong whatever they are; stop counting into the value.
                if digitCount < 13 { digits = digits &* 10 &+ UInt64(digit) }
                digitCount += 1
            case .plus:
                guard digitCount == 0, !plus else { return .failure(.misplacedPlus) }
                plus = true
            case .separator:
                break
            case .other:
                return .failure(.unexpectedCharacter(String(decoding: bytes[index...].prefix(length), as: UTF8.self)))
            }
            index = bytes.index(index, offsetBy: length, limitedBy: bytes.endIndex) ?? bytes.endIndex
        }
        guard digitCount > 0 else { return .failure(.empty) }
        // 86 opens the number after a `+`, or when it makes 13 digits.
        var nationalCount = digitCount
        if plus || digitCount == 13 {
            let stored = min(digitCount, 13)
            if stored >= 2, digits / pow10(stored - 2) == 86 {
                digits %= pow10(stored - 2)
                nationalCount -= 2
            } else if plus {
                return .failure(.foreignCountryCode)
            }
        }
        guard nationalCount == 11 else { return .failure(.digitCount(nationalCount)) }
        guard let phone = Phone(number: digits) else { return .failure(.notMobile) }
        return .success(phone)
    }

    /// ``parse(typed:)`` of a string's UTF-8.
    public static func parse(typed text: String) -> Result<Phone, PhoneInputError> {
        var text = text
        return text.withUTF8 { parse(typed: $0) }
    }

    private static func pow10(_ exponent: Int) -> UInt64 {
        (0..<exponent).reduce(1) { value, _ in value * 10 }
    }
}

/// One character of a typed number, read from its UTF-8 bytes.
private enum TypedSymbol {
    case digit(UInt8), plus, separator, other

    /// The symbol at `index` and its length in bytes (an invalid or truncated sequence is one
    /// byte of `other`).
    static func read<Bytes: Collection>(_ bytes: Bytes, at index: Bytes.Index) -> (TypedSymbol, Int)
    where Bytes.Element == UInt8 {
        let lead = bytes[index]
        switch lead {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return (.digit(lead - UInt8(ascii: "0")), 1)
        case UInt8(ascii: "+"): return (.plus, 1)
        case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"):
            return (.separator, 1)
        case 0xEF, 0xE3:
            let tail = Array(bytes[bytes.index(after: index)...].prefix(2))
            guard tail.count == 2 else { return (.other, 1) }
            // U+FF10–FF19 full-width digits are EF BC 90–99.
            if lead == 0xEF, tail[0] == 0xBC {
                switch tail[1] {
                case 0x90...0x99: return (.digit(tail[1] - 0x90), 3)
                case 0x8B: return (.plus, 3)  // U+FF0B ＋
                case 0x8D, 0x8E, 0x88, 0x89: return (.separator, 3)  // －．（）
                default: break
                }
            }
            if lead == 0xE3, tail == [0x80, 0x80] { return (.separator, 3) }  // U+3000 ideographic space
            return (.other, utf8Length(lead))
        default:
            return (.other, utf8Length(lead))
        }
    }

    /// The length of the UTF-8 sequence `lead` opens (1 for a stray continuation byte).
    private static func utf8Length(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...0xF7: 4
        case 0xE0...0xEF: 3
        case 0xC0...0xDF: 2
        default: 1
        }
    }
}
