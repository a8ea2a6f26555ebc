/// Card lines as tests compare them.
public enum CardLine {
    /// `itinerary card`'s line without the names it adds to each place (`"name"` after `"code"`,
    /// `"name_en"` last): the `cards` line, byte for byte.
    public static func withoutNames(_ line: String) -> String {
        line.replacing(/"name":"[^"]*",/, with: "").replacing(/,"name_en":"[^"]*"/, with: "")
    }
}
