/// Masks every number of 11 digits or more, however it is written, in text about to be kept or
/// logged: raw feed lines, fields, file names and paths (docs/feed-format.md, Rejects). The one
/// masker of the project: nothing is kept or logged by another rule.
///
/// A *run* is a sequence of digits with any number of *separators* between two of them.
/// - Digits: ASCII `0`–`9` and full-width `０`–`９` (U+FF10–U+FF19).
/// - Separators: space `-` `.` `/` `(` `)`, every control byte (U+0000–U+001F, U+007F–U+009F),
///   the `\xNN` escape kept text writes NUL and invalid bytes as (`FeedLine.text`), and their
///   look-alikes: no-break and other Unicode spaces, zero-width and direction marks, word
///   joiner, BOM, soft hyphen, hyphens and dashes U+2010–U+2015, minus U+2212, and full-width
///   `（` `）` `－` `．` `／`.
///
/// So `13812345678`, `138-1234-5678`, `+86 (138) 1234 5678`, `１３８１２３４５６７８` and
/// `138\x001234\x005678` are each one run; a comma, a letter, `:`, `+`, `*` end a run.
///
/// A run of 11 digits or more keeps its first 3 and its last 4 digits and shows every other digit
/// as `*` (`＊` U+FF0A for a full-width one); its separators stay. `138-1234-5678` becomes
/// `138-****-5678`, `+8613812345678` becomes `+861******5678` (a longer run keeps the same 7
/// digits, so less of it). The length in bytes does not change, a masked text has no run of more
/// than 4 digits left (masking again changes nothing), and a text without an 11-digit run comes
/// back as it was, without a copy.
public enum DigitRunMasker {
    /// The shortest run masked: a mainland mobile number.
    public static let minimumDigits = 11
    /// Digits a masked run keeps at its start and at its end.
    public static let keptLeading = 3
    public static let keptTrailing = 4

    /// `text` with every run of `minimumDigits` or more masked.
    public static func masked(_ text: String) -> String {
        var text = text
        let needed = text.withUTF8 { firstRun(in: $0) != nil }
        guard needed else { return text }
        return String(unsafeUninitializedCapacity: text.utf8.count) { buffer in
            let count = text.withUTF8 { source in
                _ = buffer.initialize(fromContentsOf: source)
                return source.count
            }
            mask(UnsafeMutableBufferPointer(rebasing: buffer[..<count]))
            return count
        }
    }

    /// Masks every run of `minimumDigits` or more in place.
    public static func mask(_ bytes: UnsafeMutableBufferPointer<UInt8>) {
        var position = 0
        while let run = firstRun(in: UnsafeBufferPointer(bytes), from: position) {
            var digit = 0
            var index = run.start
            while index < run.end {
                let width = digitWidth(UnsafeBufferPointer(bytes), index)
                guard width > 0 else {
                    index += max(1, separatorWidth(UnsafeBufferPointer(bytes), index))
                    continue
                }
                if digit >= keptLeading, digit < run.digits - keptTrailing {
                    if width == 1 {
                        bytes[index] = UInt8(ascii: "*")
                    } else {
                        bytes[index + 2] = 0x8A  // EF BC 8A: ＊
                    }
                }
                digit += 1
                index += width
            }
            position = run.end
        }
    }

    /// Whether `bytes` hold a run of `minimumDigits` or more.
    public static func containsRun(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        firstRun(in: bytes) != nil
    }

    /// The first run of `minimumDigits` or more at or after `from`: from its first digit to the
    /// byte after its last, and its digit count.
    static func firstRun(
        in bytes: UnsafeBufferPointer<UInt8>, from: Int = 0
    ) -> (start: Int, end: Int, digits: Int)? {
        var index = from
        while index < bytes.count {
            guard digitWidth(bytes, index) > 0 else {
                index += max(1, separatorWidth(bytes, index))
                continue
            }
            let start = index
            var end = index
            var digits = 0
            while index < bytes.count {
                let width = digitWidth(bytes, index)
                if width > 0 {
                    digits += 1
                    index += width
                    end = index
                    continue
                }
                let separator = separatorWidth(bytes, index)
                guard separator > 0 else { break }
                index += separator
            }
            if digits >= minimumDigits { return (start, end, digits) }
            index = end
        }
        return nil
    }

    /// 1 for an ASCII digit, 3 for a full-width one (EF BC 90…99), else 0.
    @inline(__always)
    static func digitWidth(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        let byte = bytes[index]
        if byte &- UInt8(ascii: "0") < 10 { return 1 }
        guard byte == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBC, bytes[index + 2] &- 0x90 < 10 else {
            return 0
        }
        return 3
    }

    /// The length in bytes of the separator at `index`, or 0.
    @inline(__always)
    static func separatorWidth(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        let byte = bytes[index]
        switch byte {
        case 0x00...0x20, 0x7F, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "("),
            UInt8(ascii: ")"):
            return 1
        case UInt8(ascii: "\\"):
            guard index + 3 < bytes.count, bytes[index + 1] == UInt8(ascii: "x"), isHex(bytes[index + 2]),
                isHex(bytes[index + 3])
            else { return 0 }
            return 4
        case 0xC2:
            // U+0080–U+009F (C1 controls), U+00A0 no-break space, U+00AD soft hyphen.
            guard index + 1 < bytes.count else { return 0 }
            let next = bytes[index + 1]
            return (0x80...0xA0).contains(next) || next == 0xAD ? 2 : 0
        case 0xE2, 0xE3, 0xEF:
            guard index + 2 < bytes.count else { return 0 }
            let scalar =
                UInt32(byte & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
            guard bytes[index + 1] & 0xC0 == 0x80, bytes[index + 2] & 0xC0 == 0x80 else { return 0 }
            switch scalar {
            case 0x2000...0x2015, 0x2028...0x202F, 0x2060...0x206F, 0x2212, 0x3000, 0xFEFF, 0xFF08, 0xFF09,
                0xFF0D...0xFF0F:
                return 3
            default:
                return 0
            }
        default:
            return 0
        }
    }

    @inline(__always)
    private static func isHex(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10 || (byte | 0x20) &- UInt8(ascii: "a") < 6
    }
}
