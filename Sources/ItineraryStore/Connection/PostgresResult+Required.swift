extension PostgresResult {
    /// A value that must be there: the schema says NOT NULL, or the query cannot yield NULL.
    /// A NULL throws instead of turning into a silent `0` or `""`.
    public func required<T>(_ row: Int, _ column: Int, _ read: (Int, Int) throws -> T?) throws -> T {
        guard let value = try read(row, column) else {
            throw PostgresError(message: "unexpected NULL at row \(row), column \"\(columnName(column))\"")
        }
        return value
    }

    /// A non-NULL `bigint`/`integer`.
    public func requiredInt64(_ row: Int, _ column: Int) throws -> Int64 { try required(row, column, int64) }

    /// A non-NULL `bytea`.
    public func requiredBytes(_ row: Int, _ column: Int) throws -> [UInt8] { try required(row, column, bytes) }

    /// A non-NULL text value.
    public func requiredString(_ row: Int, _ column: Int) throws -> String {
        try required(row, column) { string($0, $1) }
    }
}
