import Foundation
import ItineraryPostgres
import ItineraryTestSupport
import ItineraryTestTags
import Testing

@Suite("PostgresResult.decode", .tags(.integration))
struct DecodeTests {
    /// One row of every decodable type, then the same columns as NULL.
    private static let query = """
        SELECT * FROM (VALUES
            (7::int8, 8::int4, true, 0.5::float8, 'word'::text, '\\x00ff'::bytea),
            (NULL, NULL, NULL, NULL, NULL, NULL)
        ) AS t (big, small, yes, ratio, word, blob)
        """

    @Test(arguments: [PostgresFormat.text, .binary])
    func valuesDecodeAsTheirTypes(format: PostgresFormat) throws {
        let connection = try scratchConnection("decode-values")
        let result = try connection.execute(Self.query, parameters: [], resultFormat: format)
        #expect(try result.decode(Int64.self, 0, 0) == 7)
        #expect(try result.decode(Int.self, 0, 1) == 8)
        #expect(try result.decode(Bool.self, 0, 2))
        #expect(try result.decode(Double.self, 0, 3) == 0.5)
        #expect(try result.decode(String.self, 0, 4) == "word")
        #expect(try result.decode([UInt8].self, 0, 5) == [0, 255])
        #expect(try result.decode(Data.self, 0, "blob") == Data([0, 255]))
        #expect(try result.decode(Int64?.self, 0, "big") == 7)
    }

    @Test(arguments: [PostgresFormat.text, .binary])
    func nullIsNilOnlyWhenAskedForAnOptional(format: PostgresFormat) throws {
        let connection = try scratchConnection("decode-null")
        let result = try connection.execute(Self.query, parameters: [], resultFormat: format)
        #expect(try result.decode(Int64?.self, 1, 0) == nil)
        #expect(try result.decode(Int?.self, 1, 1) == nil)
        #expect(try result.decode(Bool?.self, 1, 2) == nil)
        #expect(try result.decode(Double?.self, 1, 3) == nil)
        #expect(try result.decode(String?.self, 1, 4) == nil)
        #expect(try result.decode([UInt8]?.self, 1, 5) == nil)

        let reads: [(String, () throws -> Any)] = [
            ("big", { try result.decode(Int64.self, 1, 0) }),
            ("small", { try result.decode(Int.self, 1, 1) }),
            ("yes", { try result.decode(Bool.self, 1, 2) }),
            ("ratio", { try result.decode(Double.self, 1, 3) }),
            ("word", { try result.decode(String.self, 1, 4) }),
            ("blob", { try result.decode([UInt8].self, 1, "blob") }),
        ]
        for (column, read) in reads {
            let error = try #require(throws: PostgresError.self) { try read() }
            #expect(error.message == "unexpected NULL at row 1, column \"\(column)\"")
        }
    }

    @Test func aValueOfAnotherTypeThrowsNamingTheColumn() throws {
        let connection = try scratchConnection("decode-type")
        let result = try connection.execute("SELECT 'x'::text AS word, 9223372036854775807::int8 AS big")
        let error = try #require(throws: PostgresError.self) { try result.decode(Int64.self, 0, 0) }
        #expect(error.message.contains("column \"word\""))
        #expect(try result.decode(Int64.self, 0, 1) == .max)
        #expect(throws: PostgresError.self) { try result.decode(Bool.self, 0, "big") }
        #expect(throws: PostgresError.self) { try result.decode(Int.self, 0, "missing") }
    }
}
