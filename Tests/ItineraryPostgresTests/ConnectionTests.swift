import Foundation
import ItineraryPostgres
import ItineraryTestSupport
import ItineraryTestTags
import Testing

@Suite("PostgresConnection", .tags(.integration))
struct ConnectionTests {
    @Test func parametersAndDecoding() throws {
        let connection = try scratchConnection("params")
        let result = try connection.execute(
            "SELECT $1::int8 AS big, $2::text AS word, $3::bool AS yes, $4::float8 AS ratio, $5::text AS absent, $6::int4 AS small",
            .int(Int64.min), "杭州 🚄 tab\there", true, 0.25, nil, 42)
        #expect(result.rowCount == 1)
        #expect(result.columnCount == 6)
        #expect(result.columnName(1) == "word")
        #expect(try result.columnIndex(named: "ratio") == 3)
        #expect(try result.int64(0, 0) == Int64.min)
        #expect(result.string(0, 1) == "杭州 🚄 tab\there")
        #expect(try result.bool(0, 2) == true)
        #expect(try result.double(0, 3) == 0.25)
        #expect(result.isNull(0, 4))
        #expect(result.string(0, 4) == nil)
        #expect(try result.int64(0, 4) == nil)
        #expect(try result.int64(0, 5) == 42)
        #expect(throws: PostgresError.self) { try result.int64(0, 1) }
        #expect(throws: PostgresError.self) { try result.columnIndex(named: "missing") }
    }

    @Test func binaryResultFormat() throws {
        let connection = try scratchConnection("binary")
        let result = try connection.execute(
            "SELECT $1::int8, $2::int4, $3::int2, $4::bool, $5::float8, $6::text, $7::bytea",
            parameters: [
                .int(-7), .int(123_456), .int(-3), .bool(false), .double(-1.5), .text("é"), .bytes([0, 255]),
            ],
            resultFormat: .binary)
        #expect(try result.int64(0, 0) == -7)
        #expect(try result.int64(0, 1) == 123_456)
        #expect(try result.int64(0, 2) == -3)
        #expect(try result.bool(0, 3) == false)
        #expect(try result.double(0, 4) == -1.5)
        #expect(result.string(0, 5) == "é")
        #expect(try result.bytes(0, 6) == [0, 255])
    }

    @Test func byteaRoundTrip() throws {
        let connection = try scratchConnection("bytea")
        try connection.execute("CREATE TABLE blobs (id int PRIMARY KEY, payload bytea)")
        let everyByte = [UInt8](0...255) + [UInt8](repeating: 0, count: 3)
        try connection.execute("INSERT INTO blobs VALUES (1, $1), (2, $2), (3, $3)", .bytes(everyByte), .bytes([]), nil)
        let result = try connection.execute("SELECT payload FROM blobs ORDER BY id")
        #expect(try result.bytes(0, 0) == everyByte)
        #expect(try result.data(0, 0) == Data(everyByte))
        #expect(try result.bytes(1, 0) == [])
        #expect(try result.bytes(2, 0) == nil)

        // The older escape output format still decodes.
        try connection.execute("SET bytea_output = escape")
        let escaped = try connection.execute("SELECT payload FROM blobs WHERE id = 1")
        #expect(try escaped.bytes(0, 0) == everyByte)
    }

    @Test func preparedStatements() throws {
        let connection = try scratchConnection("prepared")
        try connection.execute("CREATE TABLE places (code text PRIMARY KEY, visits int8 NOT NULL)")
        try connection.prepare(
            name: "upsert",
            sql: """
                INSERT INTO places VALUES ($1, $2)
                ON CONFLICT (code) DO UPDATE SET visits = places.visits + EXCLUDED.visits
                """)
        for _ in 0..<3 { try connection.executePrepared(name: "upsert", "330100", 2) }
        let updated = try connection.executePrepared(name: "upsert", parameters: [.text("110000"), .int(1)])
        #expect(updated.affectedRows == 1)
        let result = try connection.execute("SELECT code, visits FROM places ORDER BY code")
        #expect(result.rowCount == 2)
        #expect(result.string(1, 0) == "330100")
        #expect(try result.int64(1, 1) == 6)
    }

    @Test func uniqueViolationCarriesSQLState() throws {
        let connection = try scratchConnection("unique")
        try connection.execute("CREATE TABLE phones (key bytea PRIMARY KEY)")
        try connection.execute("INSERT INTO phones VALUES ($1)", .bytes([1, 2, 3]))
        let error = try #require(throws: PostgresError.self) {
            try connection.execute("INSERT INTO phones VALUES ($1)", .bytes([1, 2, 3]))
        }
        #expect(error.sqlState == "23505")
        #expect(error.isUniqueViolation)
        #expect(!error.isConnectionFailure)
        #expect(error.detail?.contains("already exists") == true)
        // The connection is still usable afterwards.
        #expect(try connection.execute("SELECT count(*) FROM phones").int64(0, 0) == 1)
    }

    @Test func syntaxErrorAndScripts() throws {
        let connection = try scratchConnection("script")
        let error = try #require(throws: PostgresError.self) { try connection.execute("SELEKT 1") }
        #expect(error.sqlState == "42601")
        try connection.executeScript("CREATE TABLE a (x int); INSERT INTO a VALUES (1), (2);")
        #expect(try connection.execute("SELECT sum(x) FROM a").int64(0, 0) == 3)
    }

    @Test func textWithNulIsRefused() throws {
        let connection = try scratchConnection("nul")
        #expect(throws: PostgresError.self) { try connection.execute("SELECT $1::text", "a\u{0}b") }
    }

    @Test func specialDoubles() throws {
        let connection = try scratchConnection("doubles")
        let result = try connection.execute(
            "SELECT $1::float8, $2::float8, $3::float8", .double(.infinity), .double(-.infinity), .double(.nan))
        #expect(try result.double(0, 0) == .infinity)
        #expect(try result.double(0, 1) == -.infinity)
        #expect(try result.double(0, 2)?.isNaN == true)
    }

    @Test func connectionStringRewritesDatabase() throws {
        #expect(
            try ConnectionString.replacingDatabase(in: "postgresql://u@localhost:5433/a", with: "b")
                .contains("dbname='b'"))
        let rewritten = try ConnectionString.replacingDatabase(in: "host=/tmp/x dbname=a", with: "it's")
        #expect(rewritten == #"host='/tmp/x' dbname='it\'s'"#)
        #expect(throws: PostgresError.self) {
            try ConnectionString.replacingDatabase(in: "host='unterminated", with: "b")
        }
    }
}
