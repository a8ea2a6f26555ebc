/// Allocation-free parsing of ASCII fields.
enum ByteParsing {
    /// The decimal value of `bytes`, or -1 if empty, not all digits, or above `maximum`.
    @inline(__always)
    static func unsigned(_ bytes: UnsafeBufferPointer<UInt8>, maximum: UInt64) -> Int64 {
        guard !bytes.isEmpty else { return -1 }
        var value: UInt64 = 0
        for byte in bytes {
            let digit = byte &- UInt8(ascii: "0")
            guard digit <= 9 else { return -1 }
            value = value &* 10 &+ UInt64(digit)
            // Checked per digit so long runs of digits cannot overflow.
            guard value <= maximum else { return -1 }
        }
        return Int64(value)
    }

    /// Scans `base[start..<end]` for the end of the line starting at `start`, eight bytes at a
    /// time, calling `comma` with the position of each comma before it; returns the position of
    /// the line's `\n`, or `end` if there is none.
    @inline(__always)
    static func scanLine(
        _ base: UnsafePointer<UInt8>, from start: Int, to end: Int, comma: (Int) -> Void
    ) -> Int {
        var position = start
        while position + 8 <= end {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
            var commas = zeroBytes(word ^ 0x2C2C_2C2C_2C2C_2C2C)
            let newlines = zeroBytes(word ^ 0x0A0A_0A0A_0A0A_0A0A)
            if newlines != 0 {
                commas &= (newlines &- 1)  // only the commas before the first newline
            }
            while commas != 0 {
                comma(position + commas.trailingZeroBitCount >> 3)
                commas &= commas &- 1
            }
            if newlines != 0 { return position + newlines.trailingZeroBitCount >> 3 }
            position += 8
        }
        while position < end {
            switch base[position] {
            case UInt8(ascii: "\n"): return position
            case UInt8(ascii: ","): comma(position)
            default: break
            }
            position += 1
        }
        return end
    }

    /// The high bit of each byte of `word` that is zero, and no other bit (no borrow crosses
    /// bytes, so bytes after a zero one are exact too).
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((word & low7) &+ low7) | word | low7)
    }
}
