import Foundation
import ItineraryPostgres
import ItineraryTestSupport
import ItineraryTestTags
import Testing

@Suite("Connection failures", .tags(.integration))
struct ConnectionFailureTests {
    @Test(.timeLimit(.minutes(1)))
    func unreachableServerIsAConnectionFailure() throws {
        let started = Date()
        let error = try #require(throws: PostgresError.self) {
            try PostgresConnection("host=/nonexistent/itinerary-\(UUID().uuidString) dbname=x connect_timeout=2")
        }
        #expect(error.isConnectionFailure)
        #expect(error.sqlState == nil)
        #expect(!error.message.isEmpty)
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func malformedConnectionStringIsAnError() throws {
        let error = try #require(throws: PostgresError.self) { try PostgresConnection("host='unterminated") }
        #expect(!error.isConnectionFailure)
        #expect(error.message.hasPrefix("invalid connection string"))
    }

    @Test func terminatedBackendIsAConnectionFailure() throws {
        let url = try SharedTestDatabase.makeScratchDatabase(label: "terminate")
        let victim = try PostgresConnection(url)
        let killer = try PostgresConnection(url)
        #expect(victim.isConnected)
        try killer.execute("SELECT pg_terminate_backend($1)", .int(Int64(victim.backendPID)))
        // Give the backend a moment to exit before the next statement reaches it.
        Thread.sleep(forTimeInterval: 0.2)
        let error = try #require(throws: PostgresError.self) { try victim.execute("SELECT 1") }
        #expect(error.isConnectionFailure)
        #expect(!victim.isConnected)
        // Later calls keep failing cleanly instead of crashing.
        #expect(throws: PostgresError.self) { try victim.execute("SELECT 1") }
        #expect(throws: PostgresError.self) { try victim.transaction { _ in } }
    }

    @Test func connectionStateClassification() {
        #expect(PostgresError(sqlState: "08006", message: "").isConnectionFailure)
        #expect(PostgresError(sqlState: "57P01", message: "").isConnectionFailure)
        #expect(PostgresError(sqlState: "57P03", message: "").isConnectionFailure)
        #expect(!PostgresError(sqlState: "57014", message: "").isConnectionFailure)
        #expect(!PostgresError(sqlState: "23505", message: "").isConnectionFailure)
        #expect(PostgresError(sqlState: "40001", message: "").isTransient)
    }
}
