import CLibPQ
import Foundation

/// The rows of one successful statement. Immutable, so it may be read from any thread.
///
/// Read values with `decode(T.self, row, column)`: it throws on SQL NULL unless `T` is an
/// Optional, so a NULL never turns into `0`, `""` or `[]`. The typed accessors below are its
/// primitives (`nil` for NULL). Both result formats are understood: text (the default) and binary.
public final class PostgresResult: @unchecked Sendable {
    private let result: OpaquePointer

    /// Takes ownership of a `PGresult`; it is freed with the object.
    init(_ result: OpaquePointer) {
        self.result = result
    }

    deinit { PQclear(result) }

    /// Number of rows returned.
    public var rowCount: Int { Int(PQntuples(result)) }

    /// Number of columns per row.
    public var columnCount: Int { Int(PQnfields(result)) }

    /// Rows inserted, updated, deleted or copied by the command (`PQcmdTuples`), 0 when not applicable.
    public var affectedRows: Int { Int(String(cString: PQcmdTuples(result))) ?? 0 }

    /// The command tag, such as `INSERT 0 1` or `COMMIT`.
    public var commandStatus: String { String(cString: PQcmdStatus(result)) }

    /// The name of a column.
    public func columnName(_ column: Int) -> String {
        String(cString: PQfname(result, Int32(column)))
    }

    /// The index of a named column.
    public func columnIndex(named name: String) throws -> Int {
        let index = Int(PQfnumber(result, name))
        guard index >= 0 else { throw PostgresError(message: "result has no column \"\(name)\"") }
        return index
    }

    /// Whether a value is SQL NULL.
    public func isNull(_ row: Int, _ column: Int) -> Bool {
        PQgetisnull(result, Int32(row), Int32(column)) == 1
    }

    /// A value as text (text format) or as the raw bytes decoded as UTF-8 (binary `text`).
    public func string(_ row: Int, _ column: Int) -> String? {
        withValue(row, column) { String(decoding: $0, as: UTF8.self) }
    }

    /// A `smallint`, `integer` or `bigint` value.
    public func int64(_ row: Int, _ column: Int) throws -> Int64? {
        try withValue(row, column) { bytes in
            if isBinary(column) {
                switch bytes.count {
                case 2: return Int64(Int16(bigEndian: bytes.loadUnaligned(as: Int16.self)))
                case 4: return Int64(Int32(bigEndian: bytes.loadUnaligned(as: Int32.self)))
                case 8: return Int64(bigEndian: bytes.loadUnaligned(as: Int64.self))
                default: throw decodingError(row, column, "an integer")
                }
            }
            guard let value = Self.parseInt64(bytes) else { throw decodingError(row, column, "an integer") }
            return value
        }
    }

    /// A `boolean` value.
    public func bool(_ row: Int, _ column: Int) throws -> Bool? {
        try withValue(row, column) { bytes in
            switch (isBinary(column), bytes.count, bytes.first) {
            case (true, 1, let byte?): return byte != 0
            case (false, 1, UInt8(ascii: "t")): return true
            case (false, 1, UInt8(ascii: "f")): return false
            default: throw decodingError(row, column, "a boolean")
            }
        }
    }

    /// A `double precision` value (or any numeric type in text format).
    public func double(_ row: Int, _ column: Int) throws -> Double? {
        try withValue(row, column) { bytes in
            if isBinary(column) {
                guard bytes.count == 8 else { throw decodingError(row, column, "a float8") }
                return Double(bitPattern: UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self)))
            }
            guard let value = Double(String(decoding: bytes, as: UTF8.self)) else {
                throw decodingError(row, column, "a number")
            }
            return value
        }
    }

    /// A `bytea` value: raw in binary format, hex-decoded (`\x…`) in text format.
    public func bytes(_ row: Int, _ column: Int) throws -> [UInt8]? {
        try withValue(row, column) { bytes in
            if isBinary(column) { return [UInt8](bytes) }
            if let decoded = Self.decodeHexBytea(bytes) { return decoded }
            // Servers configured with `bytea_output = escape` send the older escaped form.
            return try unescapeBytea(row, column)
        }
    }

    /// A `bytea` value as `Data`.
    public func data(_ row: Int, _ column: Int) throws -> Data? {
        try bytes(row, column).map { Data($0) }
    }

    private func isBinary(_ column: Int) -> Bool {
        PQfformat(result, Int32(column)) == 1
    }

    private func withValue<T>(_ row: Int, _ column: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T? {
        precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount, "row or column out of range")
        if isNull(row, column) { return nil }
        let length = Int(PQgetlength(result, Int32(row), Int32(column)))
        let pointer = UnsafeRawPointer(PQgetvalue(result, Int32(row), Int32(column))!)
        return try body(UnsafeRawBufferPointer(start: pointer, count: length))
    }

    func decodingError(_ row: Int, _ column: Int, _ expected: String) -> PostgresError {
        PostgresError(message: "value at row \(row), column \"\(columnName(column))\" is not \(expected)")
    }

    private func unescapeBytea(_ row: Int, _ column: Int) throws -> [UInt8] {
        var length = 0
        guard let decoded = PQunescapeBytea(PQgetvalue(result, Int32(row), Int32(column)), &length) else {
            throw decodingError(row, column, "bytea")
        }
        defer { PQfreemem(decoded) }
        return [UInt8](UnsafeBufferPointer(start: decoded, count: length))
    }

    /// Parses a decimal integer without building a `String`: results can hold millions of them.
    static func parseInt64(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        var index = bytes.startIndex
        let negative = bytes.first == UInt8(ascii: "-")
        if negative || bytes.first == UInt8(ascii: "+") { index += 1 }
        guard index < bytes.endIndex else { return nil }
        var magnitude: UInt64 = 0
        while index < bytes.endIndex {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            magnitude = sum
            index += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// Decodes PostgreSQL's hex `bytea` output (`\x` followed by two hex digits per byte).
    static func decodeHexBytea(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x"), text.count % 2 == 0 else {
            return nil
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity((text.count - 2) / 2)
        var index = 2
        while index < text.count {
            guard let high = hexValue(text[index]), let low = hexValue(text[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
