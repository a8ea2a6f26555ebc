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

    /// Appends `value` as a JSON string: runs that need no escape are copied whole, since the
    /// stored cards write a place name per place for every phone a batch touches.
    public static func appendQuoted(_ value: String, to text: inout String) {
        text += "\""
        let bytes = value.utf8
        var run = bytes.startIndex
        var index = run
        while index != bytes.endIndex {
            let byte = bytes[index]
            // Every byte escaped is ASCII, so `index` is a scalar boundary (not always a
            // character's: a combining mark may follow), hence slices of the UTF-8 view.
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "<") {
                text += Substring(bytes[run..<index])
                text += escape(byte)
                run = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        text += Substring(bytes[run...])
        text += "\""
    }

    private static func escape(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\""): "\\\""
        case UInt8(ascii: "\\"): "\\\\"
        case UInt8(ascii: "\n"): "\\n"
        case UInt8(ascii: "\r"): "\\r"
        case UInt8(ascii: "\t"): "\\t"
        case UInt8(ascii: "<"): "\\u003c"  // safe to embed in HTML
        default:
            "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
        }
    }
}
