import Foundation
import ItineraryService
import ItineraryStore
import ItineraryTestSupport
import ItineraryTestTags
import Testing

@Suite("Database outage", .tags(.integration))
struct DatabaseOutageTests {
    /// A private cluster (the shared one must keep running for other tests), migrated.
    static func privateCluster() throws -> (EmbeddedPostgres, URL) {
        try SharedTestDatabase.privateCluster(label: "lookup-outage")
    }

    /// Expects the JSON 503 every endpoint gives while the database is away.
    static func expectUnavailable(_ response: HTTPResult, _ what: String) {
        #expect(response.status == 503, "\(what): \(response.status) \(response.text)")
        #expect(response.errorCode == "service_unavailable", "\(what)")
        #expect(response.header("Retry-After") == "5", "\(what)")
    }

    @Test(
        "503 service_unavailable (fast, no crash) on every endpoint while PostgreSQL is stopped, token re-reads included; recovers",
        .timeLimit(.minutes(1))
    )
    func outage() async throws {
        let (cluster, state) = try Self.privateCluster()
        defer {
            try? cluster.stop()
            try? FileManager.default.removeItem(at: state)
        }
        let harness = try await TestHarness.start(
            label: "outage", connectionString: cluster.connectionString, storeCards: true)
        do {
            // One token already re-read (cached by the process), one never re-read.
            let readToken = try #require(
                try await harness.verify("13800138000", code: harness.sendAndReadCode("13800138000")).json["token"]
                    as? String)
            #expect(try await harness.showAgain(token: readToken).status == 200)
            let freshToken = try #require(
                try await harness.verify("13800138005", code: harness.sendAndReadCode("13800138005")).json["token"]
                    as? String)
            try cluster.stop()

            let started = ContinuousClock.now
            Self.expectUnavailable(
                try await harness.showAgain(token: freshToken), "first re-read of an unchecked token")
            #expect(ContinuousClock.now - started < .seconds(4), "answered in \(ContinuousClock.now - started)")
            Self.expectUnavailable(try await harness.showAgain(token: readToken), "re-read of a checked token")
            Self.expectUnavailable(try await harness.requestCode("13800138001"), "POST /v1/otp")
            Self.expectUnavailable(try await harness.verify("13800138000", code: "123456"), "POST /v1/itinerary")
            let inbound = #"{"from":"13800138000","text":"CXMYD"}"#
            Self.expectUnavailable(
                try await harness.client.post(
                    "/v1/sms/inbound", json: inbound,
                    headers: InboundSMSTests.signedHeaders(inbound, clock: harness.clock)),
                "POST /v1/sms/inbound"
            )
            Self.expectUnavailable(try await harness.client.get("/readyz"), "GET /readyz")
            #expect(try await harness.client.get("/healthz").status == 200)

            try cluster.start()
            var ready = 0
            for _ in 0..<50 where ready != 200 {
                ready = try await harness.client.get("/readyz").status
                if ready != 200 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(ready == 200)
            #expect(try await harness.showAgain(token: freshToken).status == 200)
            #expect(try await harness.requestCode("13800138002").status == 200)
            let metrics = try await harness.metrics.get("/metrics")
            #expect(metrics.text.contains("lookup_database_unavailable_total"))
        } catch {
            await harness.server.stop()
            throw error
        }
        await harness.server.stop()
    }
}
