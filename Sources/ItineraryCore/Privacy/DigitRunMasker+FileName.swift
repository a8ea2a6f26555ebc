extension DigitRunMasker {
    /// A feed file name or a path to one, masked for keeping or logging, with the name's
    /// `carrier-YYYYMMDDhhmmss-` prefix left readable: the 14 digits there are the time the
    /// carrier closed the file, which an operator needs to find it, and the separator after the
    /// carrier and the time would otherwise join them with the sequence number into one run.
    /// Everything else — the directories, the sequence number, any other name — is masked as
    /// `masked` does.
    public static func maskedFileName(_ path: String) -> String {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let name = path[slash...]
        let prefixLength = feedNamePrefixLength(name.utf8)
        let kept = name.utf8.index(name.startIndex, offsetBy: prefixLength)
        return masked(String(path[..<slash])) + String(name[..<kept]) + masked(String(name[kept...]))
    }

    /// The length of a leading `letters-` + 14 ASCII digits + `-`, or 0.
    static func feedNamePrefixLength(_ bytes: Substring.UTF8View) -> Int {
        var index = bytes.startIndex
        var letters = 0
        while index < bytes.endIndex, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[index]) {
            letters += 1
            index = bytes.index(after: index)
        }
        guard letters > 0, index < bytes.endIndex, bytes[index] == UInt8(ascii: "-") else { return 0 }
        index = bytes.index(after: index)
        for _ in 0..<14 {
            guard index < bytes.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
                return 0
            }
            index = bytes.index(after: index)
        }
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "-") else { return 0 }
        return letters + 16
    }
}
