/// The raw bytes of one feed line (without its line end), valid only during the reader's
/// callback that hands it over.
public struct FeedLine: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>

    /// The line as text for the rejects store: UTF-8 as is, with NUL and bytes that are not
    /// valid UTF-8 written as `\xNN`, so any line can be kept (PostgreSQL text takes neither).
    public var text: String { Self.text(bytes) }

    static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if !bytes.contains(where: { $0 == 0 || $0 >= 0x80 })
            || (!bytes.contains(0) && String(validating: bytes, as: UTF8.self) != nil)
        {
            return String(decoding: bytes, as: UTF8.self)
        }
        var result = ""
        var index = 0
        while index < bytes.count {
            let length = validSequenceLength(bytes, at: index)
            if length > 0, bytes[index] != 0 {
                result += String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<index + length]), as: UTF8.self)
                index += length
            } else {
                let hex = Array("0123456789ABCDEF")
                result += "\\x\(hex[Int(bytes[index] >> 4)])\(hex[Int(bytes[index] & 0xF)])"
                index += 1
            }
        }
        return result
    }

    /// Length of the valid UTF-8 scalar starting at `index`, or 0.
    private static func validSequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let lead = bytes[index]
        let length: Int
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        return String(validating: UnsafeBufferPointer(rebasing: bytes[index..<index + length]), as: UTF8.self) != nil
            ? length : 0
    }
}
