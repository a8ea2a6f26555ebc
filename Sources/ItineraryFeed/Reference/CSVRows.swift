import Foundation

/// The rows of a small reference CSV with a header line, addressed by column name.
///
/// Reference files are small, so this favours clarity over speed. Fields may be double-quoted
/// (`""` escapes a quote); blank lines are skipped; `\n` and `\r\n` both end a line.
struct CSVRows {
    struct Row {
        let fields: [String]
        let columns: [String: Int]
        let line: Int
        let file: String

        /// The trimmed field of a column; empty when the row is short.
        subscript(column: String) -> String {
            guard let index = columns[column], index < fields.count else { return "" }
            return fields[index].trimmingSpaces()
        }

        func error(_ message: String) -> ReferenceDataError {
            ReferenceDataError(file: file, line: line, message: message)
        }
    }

    let file: String
    let columns: [String: Int]
    /// Fields in the header line.
    let fieldCount: Int
    private let lines: [(number: Int, text: Substring)]

    var count: Int { lines.count }

    init(contentsOf url: URL, required: [String]) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ReferenceDataError(file: url.path, line: nil, message: "cannot read: \(error.localizedDescription)")
        }
        try self.init(text: String(decoding: data, as: UTF8.self), file: url.path, required: required)
    }

    init(text: String, file: String, required: [String]) throws {
        self.file = file
        var numbered: [(Int, Substring)] = []
        // "\r\n" is one Character in Swift, so split on either line end, not on "\n" alone.
        for (index, line) in text.split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }
        ).enumerated() {
            if !line.allSatisfy({ $0 == " " || $0 == "\t" }) { numbered.append((index + 1, line)) }
        }
        guard let header = numbered.first else {
            throw ReferenceDataError(file: file, line: nil, message: "no header line")
        }
        let names = Self.split(header.1).map { $0.trimmingSpaces().lowercased() }
        columns = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        fieldCount = names.count
        let known = columns
        let missing = required.filter { known[$0] == nil }
        guard missing.isEmpty else {
            throw ReferenceDataError(
                file: file, line: header.0, message: "header lacks column(s): \(missing.joined(separator: ", "))")
        }
        lines = Array(numbered.dropFirst())
    }

    /// Calls `body` with each data row; a row with a different field count than the header is an error.
    func forEach(_ body: (Row) throws -> Void) throws {
        for (number, text) in lines {
            let fields = Self.split(text)
            let row = Row(fields: fields, columns: columns, line: number, file: file)
            guard fields.count == fieldCount else {
                throw row.error("expected \(fieldCount) fields, found \(fields.count)")
            }
            try body(row)
        }
    }

    static func split(_ line: Substring) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            switch character {
            case "\"" where quoted:
                if let next = iterator.next() {
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        quoted = false
                        if next == "," {
                            fields.append(field)
                            field = ""
                        } else {
                            field.append(next)
                        }
                    }
                } else {
                    quoted = false
                }
            case "\"" where field.allSatisfy({ $0 == " " }):
                quoted = true
                field = ""
            case "," where !quoted:
                fields.append(field)
                field = ""
            default:
                field.append(character)
            }
        }
        fields.append(field)
        return fields
    }
}
