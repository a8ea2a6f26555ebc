import ItineraryPostgres
import ItineraryTestSupport
import ItineraryTestTags
import Testing

@Suite("Transactions", .tags(.integration))
struct TransactionTests {
    struct Boom: Error {}

    @Test func commitsOnSuccessAndRollsBackOnThrow() throws {
        let connection = try scratchConnection("tx")
        try connection.execute("CREATE TABLE ledger (file text PRIMARY KEY)")

        let value = try connection.transaction { connection in
            try connection.execute("INSERT INTO ledger VALUES ('a')")
            return 7
        }
        #expect(value == 7)

        #expect(throws: Boom.self) {
            try connection.transaction { connection in
                try connection.execute("INSERT INTO ledger VALUES ('b')")
                throw Boom()
            }
        }
        let files = try connection.execute("SELECT file FROM ledger ORDER BY file")
        #expect(files.rowCount == 1)
        #expect(files.string(0, 0) == "a")
    }

    @Test func swallowedStatementErrorFailsTheCommit() throws {
        let connection = try scratchConnection("txswallow")
        try connection.execute("CREATE TABLE t (x int PRIMARY KEY)")
        let error = try #require(throws: PostgresError.self) {
            try connection.transaction { connection in
                try connection.execute("INSERT INTO t VALUES (1)")
                _ = try? connection.execute("INSERT INTO t VALUES (1)")
            }
        }
        #expect(error.sqlState == "25P02")
        #expect(try connection.execute("SELECT count(*) FROM t").int64(0, 0) == 0)
    }

    @Test func nestingIsRefused() throws {
        let connection = try scratchConnection("txnest")
        #expect(throws: PostgresError.self) {
            try connection.transaction { connection in
                try connection.transaction { _ in }
            }
        }
        // The outer transaction was rolled back and the connection is idle again.
        try connection.transaction { try $0.execute("SELECT 1") }
    }
}
