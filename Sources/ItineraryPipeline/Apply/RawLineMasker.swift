/// Hides the middle four digits of the msisdn field in a raw feed line before it is kept, so the
/// rejects store never holds a number in clear (SPEC §5): `13800138000` → `138****8000`,
/// `+8613800138000` → `+86138****8000`.
enum RawLineMasker {
    static func mask(_ raw: String, msisdnField: Int) -> String {
        var fields = raw.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard msisdnField < fields.count else { return maskDigitRuns(raw) }
        var characters = Array(fields[msisdnField])
        if characters.count >= 8 {
            for index in (characters.count - 8)..<(characters.count - 4) { characters[index] = "*" }
        } else {
            characters = Array(repeating: "*", count: characters.count)
        }
        fields[msisdnField] = String(characters)
        return fields.joined(separator: ",")
    }

    /// For a line that cannot be split into the header's fields: mask any long run of digits
    /// that could be a number, at the price of hiding a few cell ids too.
    private static func maskDigitRuns(_ raw: String) -> String {
        var characters = Array(raw)
        var runStart = 0
        for index in 0...characters.count {
            let isDigit = index < characters.count && characters[index].isASCII && characters[index].isNumber
            if isDigit { continue }
            if index - runStart >= 11 {
                for position in (index - 8)..<(index - 4) { characters[position] = "*" }
            }
            runStart = index + 1
        }
        return String(characters)
    }
}
