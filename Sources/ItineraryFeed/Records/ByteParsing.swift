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
}
