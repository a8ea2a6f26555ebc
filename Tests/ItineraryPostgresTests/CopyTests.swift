import Foundation
import ItineraryPostgres
import ItineraryTestSupport
import ItineraryTestTags
import Testing

@Suite("COPY FROM STDIN", .tags(.integration))
struct CopyTests {
    struct Abort: Error {}

    /// Text that exercises every COPY escape and multi-byte UTF-8.
    static let awkwardPieces = [
        "", "\t", "\n", "\r\n", "\\", "\\N", "\\.", "\\x41", "杭州市", "🚄✈️", "a\tb\\c\nd\re",
        "\u{1}\u{7F}", "'\"", " trailing ", "N", "ÿ",
    ]

    struct Row: Equatable {
        let id: Int64
        let body: String?
        let payload: [UInt8]
        let number: Int64
    }

    static func row(_ index: Int) -> Row {
        let pieces = awkwardPieces
        let body =
            index % 97 == 0
            ? nil : pieces[index % pieces.count] + String(index) + pieces[(index * 7 + 3) % pieces.count]
        let number: Int64 =
            switch index {
            case 1: .min
            case 2: .max
            default: Int64(index) * (index % 2 == 0 ? 1_000_003 : -999_983)
            }
        let payload = (0..<(index % 9)).map { UInt8(truncatingIfNeeded: index &* 31 &+ $0 &* 17) }
        return Row(id: Int64(index), body: body, payload: payload, number: number)
    }

    @Test func hundredThousandAwkwardRowsRoundTrip() throws {
        let connection = try scratchConnection("copy")
        try connection.execute(
            "CREATE TABLE t (id int8 PRIMARY KEY, body text, payload bytea, number int8)")
        let count = 100_000
        let copied = try connection.copyIn(sql: "COPY t (id, body, payload, number) FROM STDIN") { writer in
            for index in 0..<count {
                let row = Self.row(index)
                writer.appendInt64(row.id)
                if let body = row.body { writer.appendText(body) } else { writer.appendNull() }
                writer.appendBytea(row.payload)
                writer.appendInt64(row.number)
                try writer.endRow()
            }
            #expect(writer.rowCount == count)
        }
        #expect(copied == count)

        let result = try connection.execute(
            "SELECT id, body, payload, number FROM t ORDER BY id")
        #expect(result.rowCount == count)
        var mismatches = 0
        for index in 0..<result.rowCount {
            let stored = Row(
                id: try #require(try result.int64(index, 0)),
                body: result.string(index, 1),
                payload: try #require(try result.bytes(index, 2)),
                number: try #require(try result.int64(index, 3)))
            if stored != Self.row(index) {
                mismatches += 1
                if mismatches <= 3 { Issue.record("row \(index): stored \(stored), expected \(Self.row(index))") }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func calendarTimestampsMatchPostgres() throws {
        let connection = try scratchConnection("copycal")
        try connection.execute("CREATE TABLE t (at timestamptz)")
        let samples: [(year: Int64, month: Int64, day: Int64, secondOfDay: Int64)] = [
            (1970, 1, 1, 0), (1, 1, 1, 0), (9999, 12, 31, 86_399), (2024, 2, 29, 3_723),
        ]
        try connection.copyIn(sql: "COPY t FROM STDIN") { writer in
            for sample in samples {
                writer.appendTimestamp(
                    year: sample.year, month: sample.month, day: sample.day, secondOfDay: sample.secondOfDay)
                try writer.endRow()
            }
        }
        let result = try connection.execute("SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM t")
        #expect(
            (0..<result.rowCount).map { result.string($0, 0) } == [
                "1970-01-01 00:00:00", "0001-01-01 00:00:00", "9999-12-31 23:59:59", "2024-02-29 01:02:03",
            ])
    }

    @Test func throwingBodyAbortsTheCopy() throws {
        let connection = try scratchConnection("copyabort")
        try connection.execute("CREATE TABLE t (x int8)")
        #expect(throws: Abort.self) {
            try connection.copyIn(sql: "COPY t FROM STDIN") { writer in
                writer.appendInt64(1)
                try writer.endRow()
                throw Abort()
            }
        }
        #expect(try connection.execute("SELECT count(*) FROM t").int64(0, 0) == 0)
    }

    @Test func badDataReportsTheServerError() throws {
        let connection = try scratchConnection("copybad")
        try connection.execute("CREATE TABLE t (x int8)")
        let error = try #require(throws: PostgresError.self) {
            try connection.copyIn(sql: "COPY t FROM STDIN") { writer in
                writer.appendText("not a number")
                try writer.endRow()
            }
        }
        #expect(error.sqlState == "22P02")
        #expect(try connection.execute("SELECT 1").int64(0, 0) == 1)
    }

    @Test func copyNeedsCopyInStatementAndExecuteRefusesCopy() throws {
        let connection = try scratchConnection("copymisuse")
        try connection.execute("CREATE TABLE t (x int8)")
        #expect(throws: PostgresError.self) { try connection.copyIn(sql: "SELECT 1") { _ in } }
        #expect(throws: PostgresError.self) { try connection.execute("COPY t FROM STDIN") }
        #expect(throws: PostgresError.self) { try connection.copyIn(sql: "COPY t TO STDOUT") { _ in } }
        #expect(try connection.execute("SELECT count(*) FROM t").int64(0, 0) == 0)
    }
}
