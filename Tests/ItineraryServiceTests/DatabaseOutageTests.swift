import Foundation
import ItineraryStore
import Testing

@Suite("Database outage")
struct DatabaseOutageTests {
    @Test(
        "503 database_unavailable (fast, no crash) while PostgreSQL is stopped; recovers when it returns",
        .timeLimit(.minutes(1))
    )
    func outage() async throws {
        // Bring the shared test server up first, so two initdb runs never overlap.
        _ = try SharedTestDatabase.connectionString()
        let state = URL(fileURLWithPath: "/tmp/lookup-outage-\(UUID().uuidString.prefix(8))", isDirectory: true)
        let cluster = EmbeddedPostgres(stateDirectory: state)
        try cluster.start()
        defer {
            try? cluster.stop()
            try? FileManager.default.removeItem(at: state)
        }
        try Migrator(directory: Migrator.defaultDirectory()).migrate(PostgresConnection(cluster.connectionString))
        let harness = try await TestHarness.start(label: "outage", connectionString: cluster.connectionString)
        do {
            #expect(try await harness.requestCode("13800138000").status == 200)
            try cluster.stop()

            let started = ContinuousClock.now
            let down = try await harness.requestCode("13800138001")
            let elapsed = ContinuousClock.now - started
            #expect(down.status == 503, "\(down.text)")
            #expect(down.errorCode == "database_unavailable")
            #expect(down.header("Retry-After") == "5")
            #expect(elapsed < .seconds(4), "answered in \(elapsed)")
            #expect(try await harness.client.get("/readyz").status == 503)
            #expect(try await harness.client.get("/healthz").status == 200)
            let verify = try await harness.verify("13800138000", code: "123456")
            #expect(verify.status == 503)

            try cluster.start()
            var ready = 0
            for _ in 0..<50 where ready != 200 {
                ready = try await harness.client.get("/readyz").status
                if ready != 200 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(ready == 200)
            #expect(try await harness.requestCode("13800138002").status == 200)
            let metrics = try await harness.client.get("/metrics")
            #expect(metrics.text.contains("lookup_database_unavailable_total"))
        } catch {
            await harness.server.stop()
            throw error
        }
        await harness.server.stop()
    }
}
