/// A parsed header line: how many fields a record has and which field holds each column.
public struct FeedHeader: Hashable, Sendable {
    /// Fields per line, extra columns included.
    public let fieldCount: Int
    /// For each `FeedColumn` (by raw value), the index of its field.
    public let positions: [Int]

    /// Parses a header line (without its line ending). Names are matched case-insensitively,
    /// ignoring surrounding spaces; columns not in `FeedColumn` are ignored.
    public init(line: some Collection<UInt8>) throws(FeedError) {
        let names = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self).trimmingSpaces().lowercased()
        }
        var positions = [Int](repeating: -1, count: FeedColumn.allCases.count)
        for (index, name) in names.enumerated() {
            guard let column = FeedColumn.allCases.first(where: { $0.name == name }) else { continue }
            guard positions[column.rawValue] < 0 else { throw .duplicateColumn(name) }
            positions[column.rawValue] = index
        }
        let missing = FeedColumn.allCases.filter { positions[$0.rawValue] < 0 }
        guard missing.isEmpty else { throw .missingHeader(missingColumns: missing.map(\.name)) }
        self.fieldCount = names.count
        self.positions = positions
    }

    /// The field index of a column.
    public func position(of column: FeedColumn) -> Int { positions[column.rawValue] }
}

extension String {
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars.drop { $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" }
        return String(String.UnicodeScalarView(scalars.reversed().drop { $0 == " " || $0 == "\t" }.reversed()))
    }
}
