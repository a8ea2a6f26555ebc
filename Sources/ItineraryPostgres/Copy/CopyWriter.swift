import CLibPQ
import Foundation

/// Encodes rows in PostgreSQL's COPY text format and streams them to the server.
///
/// Append each field of a row in column order, then call `endRow()`. Rows are buffered and sent
/// in chunks of about 1 MiB. Encoders write bytes directly: no `String` formatting per field.
public struct CopyWriter {
    /// Buffered bytes are sent once a row ends past this size.
    static let chunkSize = 1 << 20

    private let connection: OpaquePointer
    private var buffer: [UInt8] = []
    private var atRowStart = true

    /// Rows ended so far.
    public private(set) var rowCount = 0

    init(connection: OpaquePointer) {
        self.connection = connection
        buffer.reserveCapacity(Self.chunkSize + 64 * 1024)
    }

    /// Appends SQL NULL.
    public mutating func appendNull() {
        beginField()
        buffer.append(UInt8(ascii: "\\"))
        buffer.append(UInt8(ascii: "N"))
    }

    /// Appends an integer in decimal.
    public mutating func appendInt64(_ value: Int64) {
        beginField()
        appendDecimal(value)
    }

    /// Appends a boolean as `t` or `f`.
    public mutating func appendBool(_ value: Bool) {
        beginField()
        buffer.append(value ? UInt8(ascii: "t") : UInt8(ascii: "f"))
    }

    /// Appends text, escaping backslash, tab, newline and carriage return.
    public mutating func appendText(_ value: String) {
        var value = value
        value.withUTF8 { appendEscaped($0) }
    }

    /// Appends UTF-8 text given as bytes, escaping as `appendText(_:)` does.
    public mutating func appendText(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        appendEscaped(bytes)
    }

    /// Appends a `bytea` value in hex form.
    public mutating func appendBytea(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { appendHex($0) }
    }

    /// Appends a `bytea` value in hex form.
    public mutating func appendBytea(_ data: Data) {
        data.withUnsafeBytes { appendHex($0.bindMemory(to: UInt8.self)) }
    }

    /// Appends a `timestamptz` as `YYYY-MM-DD hh:mm:ss+00` (UTC) from its calendar date and the
    /// second of that day (0..<86400). The store's `appendTimestamp(epochSeconds:)` computes them.
    public mutating func appendTimestamp(year: Int64, month: Int64, day: Int64, secondOfDay: Int64) {
        beginField()
        appendPadded(year, width: 4)
        buffer.append(UInt8(ascii: "-"))
        appendPadded(month, width: 2)
        buffer.append(UInt8(ascii: "-"))
        appendPadded(day, width: 2)
        buffer.append(UInt8(ascii: " "))
        appendPadded(secondOfDay / 3600, width: 2)
        buffer.append(UInt8(ascii: ":"))
        appendPadded(secondOfDay / 60 % 60, width: 2)
        buffer.append(UInt8(ascii: ":"))
        appendPadded(secondOfDay % 60, width: 2)
        buffer.append(UInt8(ascii: "+"))
        buffer.append(UInt8(ascii: "0"))
        buffer.append(UInt8(ascii: "0"))
    }

    /// Ends the current row; sends the buffer to the server once it has grown past a chunk.
    public mutating func endRow() throws {
        buffer.append(UInt8(ascii: "\n"))
        atRowStart = true
        rowCount += 1
        if buffer.count >= Self.chunkSize { try flush() }
    }

    /// Sends everything buffered.
    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        let sent = buffer.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(connection, $0.baseAddress, Int32($0.count)) }
        }
        guard sent == 1 else {
            throw PostgresError(
                message: String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines),
                connectionLost: PQstatus(connection) == CONNECTION_BAD
            )
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func beginField() {
        if !atRowStart { buffer.append(UInt8(ascii: "\t")) }
        atRowStart = false
    }

    private mutating func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        beginField()
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\t"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "t"))
            case UInt8(ascii: "\n"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "r"))
            default: buffer.append(byte)
            }
        }
    }

    private mutating func appendHex(_ bytes: UnsafeBufferPointer<UInt8>) {
        beginField()
        // `\x` introduces hex bytea; the backslash itself must be escaped in COPY text.
        buffer.append(UInt8(ascii: "\\"))
        buffer.append(UInt8(ascii: "\\"))
        buffer.append(UInt8(ascii: "x"))
        for byte in bytes {
            buffer.append(Self.hexDigits[Int(byte >> 4)])
            buffer.append(Self.hexDigits[Int(byte & 0x0F)])
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendDecimal(_ value: Int64) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = buffer.count
        repeat {
            buffer.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        buffer[start...].reverse()
    }

    private mutating func appendPadded(_ value: Int64, width: Int) {
        let start = buffer.count
        appendDecimal(value)
        let missing = width - (buffer.count - start)
        if missing > 0 { buffer.insert(contentsOf: repeatElement(UInt8(ascii: "0"), count: missing), at: start) }
    }
}
