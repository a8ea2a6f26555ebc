extension PostgresResult {
    /// A value the schema says is NOT NULL (or the query cannot yield NULL), as a `T`.
    /// - Throws: `PostgresError` naming the column on SQL NULL — never a silent `0`, `""` or `[]` —
    ///   or when the value is not a `T`.
    public func decode<T: PostgresDecodable>(_ type: T.Type, _ row: Int, _ column: Int) throws -> T {
        guard let value = try T.decodeIfPresent(from: self, row: row, column: column) else {
            throw PostgresError(message: "unexpected NULL at row \(row), column \"\(columnName(column))\"")
        }
        return value
    }

    /// A value of a nullable column: `nil` for SQL NULL.
    /// - Throws: `PostgresError` naming the column when the value is not a `T`.
    public func decode<T: PostgresDecodable>(_ type: T?.Type, _ row: Int, _ column: Int) throws -> T? {
        try T.decodeIfPresent(from: self, row: row, column: column)
    }

    /// A NOT NULL value of the column named `column`.
    public func decode<T: PostgresDecodable>(_ type: T.Type, _ row: Int, _ column: String) throws -> T {
        try decode(type, row, columnIndex(named: column))
    }

    /// A value of the nullable column named `column`.
    public func decode<T: PostgresDecodable>(_ type: T?.Type, _ row: Int, _ column: String) throws -> T? {
        try decode(type, row, columnIndex(named: column))
    }
}
