import Foundation

/// A query parameter. Everything except `bytes` is sent in PostgreSQL text format and typed by
/// the server from context, so write casts (`$1::int8`) where the context is ambiguous.
public enum PostgresValue: Sendable, Hashable {
    case text(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    /// Sent in binary format as `bytea`, so no hex encoding is needed.
    case bytes([UInt8])

    /// A `bytea` parameter from `Data`.
    public static func data(_ data: Data) -> PostgresValue { .bytes([UInt8](data)) }
}

extension PostgresValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
}

extension PostgresValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .int(value) }
}

extension PostgresValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension PostgresValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
