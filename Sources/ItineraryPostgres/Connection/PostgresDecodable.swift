import Foundation

/// A Swift type a result column decodes into with ``PostgresResult/decode(_:_:_:)-(T.Type,_,_)``.
///
/// Conformers read one value and say `nil` for SQL NULL; whether NULL is allowed is the caller's
/// choice of `T` or `T?`, never a default.
public protocol PostgresDecodable: Sendable {
    /// The value at `row`, `column`, `nil` for SQL NULL.
    /// - Throws: `PostgresError` naming the column when the value is not a `Self`.
    static func decodeIfPresent(from result: PostgresResult, row: Int, column: Int) throws -> Self?
}

extension Int64: PostgresDecodable {
    public static func decodeIfPresent(from result: PostgresResult, row: Int, column: Int) throws -> Int64? {
        try result.int64(row, column)
    }
}

extension Int: PostgresDecodable {
    public static func decodeIfPresent(from result: PostgresResult, row: Int, column: Int) throws -> Int? {
        guard let value = try result.int64(row, column) else { return nil }
        guard let int = Int(exactly: value) else { throw result.decodingError(row, column, "an Int") }
        return int
    }
}

extension Bool: PostgresDecodable {
    public static func decodeIfPresent(from result: PostgresResult, row: Int, column: Int) throws -> Bool? {
        try result.bool(row, column)
    }
}

extension Double: PostgresDecodable {
    public static func decodeIfPresent(from result: PostgresResult, row: Int, column: Int) throws -> Double? {
        try result.double(row, column)
    }
}

extension String: PostgresDecodable {
    public static func decodeIfPresent(from result: PostgresResult, row: Int, column: Int) throws -> String? {
        result.string(row, column)
    }
}

extension Array: PostgresDecodable where Element == UInt8 {
    public static func decodeIfPresent(from result: PostgresResult, row: Int, column: Int) throws -> [UInt8]? {
        try result.bytes(row, column)
    }
}

extension Data: PostgresDecodable {
    public static func decodeIfPresent(from result: PostgresResult, row: Int, column: Int) throws -> Data? {
        try result.data(row, column)
    }
}
