/// Builds JSON text in a fixed key order without Foundation: the one JSON writer of the project
/// (card lines, the stored places, reject files, every HTTP response).
///
///     var writer = JSONWriter()
///     writer.beginObject()
///     writer.string("color", "green")
///     writer.endObject()  // writer.text == #"{"color":"green"}"#
public struct JSONWriter: Sendable {
    public private(set) var text = ""
    private var needsComma: [Bool] = []

    public init() {}

    public mutating func beginObject(_ key: String? = nil) { open(key, "{") }
    public mutating func endObject() { close("}") }
    public mutating func beginArray(_ key: String? = nil) { open(key, "[") }
    public mutating func endArray() { close("]") }

    public mutating func string(_ key: String?, _ value: String?) {
        element(key)
        if let value { Self.appendQuoted(value, to: &text) } else { text += "null" }
    }

    public mutating func int(_ key: String?, _ value: Int64?) {
        element(key)
        text += value.map { String($0) } ?? "null"
    }

    public mutating func bool(_ key: String?, _ value: Bool) {
        element(key)
        text += value ? "true" : "false"
    }

    /// Inserts already-serialised JSON.
    public mutating func raw(_ key: String?, _ json: String) {
        element(key)
        text += json
    }

    private mutating func open(_ key: String?, _ bracket: String) {
        element(key)
        text += bracket
        needsComma.append(false)
    }

    private mutating func close(_ bracket: String) {
        needsComma.removeLast()
        text += bracket
    }

    private mutating func element(_ key: String?) {
        if let last = needsComma.last {
            if last { text += "," }
            needsComma[needsComma.count - 1] = true
        }
        if let key {
            Self.appendQuoted(key, to: &text)
            text += ":"
        }
    }

    public static func quoted(_ value: String) -> String {
        var text = ""
        appendQuoted(value, to: &text)
        return text
    }

    public static func appendQuoted(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "<": text += "\\u003c"  // safe to embed in HTML
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
