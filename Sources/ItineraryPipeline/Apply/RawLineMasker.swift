/// Hides every number in a raw feed line before it is kept, so the rejects store never holds a
/// phone number in clear (README, Privacy), wherever the number sits: in its field, in a shifted field,
/// or in a line with other separators. Every run of 11 digits that reads as a mainland mobile
/// number (`1[3-9]` and 9 more) loses its middle four: `13800138000` → `138****8000`,
/// `+8613800138000` → `+86138****8000`. Other digits (times, cells) stay readable.
enum RawLineMasker {
    static func mask(_ raw: String) -> String {
        var bytes = Array(raw.utf8)
        var runStart = 0
        for index in 0...bytes.count {
            if index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { continue }
            var start = runStart
            while index - start >= 11 {
                if bytes[start] == UInt8(ascii: "1"), (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(bytes[start + 1])
                {
                    for position in (start + 3)..<(start + 7) { bytes[position] = UInt8(ascii: "*") }
                    start += 7
                } else {
                    start += 1
                }
            }
            runStart = index + 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
