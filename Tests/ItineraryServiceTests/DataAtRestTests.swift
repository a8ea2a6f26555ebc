import Foundation
import ItineraryPostgres
import ItineraryService
import ItineraryStore
import ItineraryTestSupport
import ItineraryTestTags
import Testing

@Suite("No clear number or code in PostgreSQL's files", .tags(.integration))
struct DataAtRestTests {
    @Test(
        "after code → SMS → verify → card, a texted CXMYD reply and a lookup service's relay, consent read and texted withdrawal, no file of the cluster (heap, WAL, logs) holds a number, a sent text or a partner secret",
        .timeLimit(.minutes(1))
    )
    func scanClusterFiles() async throws {
        // A cluster of its own: its files hold this test's writes and nothing older.
        let (cluster, state) = try DatabaseOutageTests.privateCluster()
        defer {
            try? cluster.stop()
            try? FileManager.default.removeItem(at: state)
        }
        let viaWeb = "139" + String(format: "%08d", Int.random(in: 0..<100_000_000))
        let viaSMS = "158" + String(format: "%08d", Int.random(in: 0..<100_000_000))
        let viaPartner = "186" + String(format: "%08d", Int.random(in: 0..<100_000_000))
        var secret = ""
        let harness = try await TestHarness.start(label: "atrest", connectionString: cluster.connectionString)
        var texts: [String] = []
        do {
            let code = try await harness.sendAndReadCode(viaWeb)
            let card = try await harness.verify(viaWeb, code: code)
            #expect(card.status == 200)
            #expect(try await harness.showAgain(token: try #require(card.json["token"] as? String)).status == 200)
            let inbound = #"{"from":"\#(viaSMS)","text":"CXMYD"}"#
            let queued = try await harness.client.post(
                "/v1/sms/inbound", json: inbound, headers: InboundSMSTests.signedHeaders(inbound, clock: harness.clock)
            )
            #expect(queued.json["status"] as? String == "queued")
            _ = try await harness.gateway.waitFor(phone: viaSMS)

            // A lookup service relays a third number with a standing consent, reads it again and
            // the person withdraws by SMS: partner_consents and partner_reads hold keys only.
            let partner = try harness.addPartner()
            secret = partner.secret
            let token = try await partner.token()
            let relayed = try await partner.relay(viaPartner, token: token, consentDays: 3)
            #expect(relayed.status == 200)
            #expect(try await partner.readAgain(viaPartner, token: token).status == 200)
            let withdrawal = #"{"from":"\#(viaPartner)","text":"QXSQ"}"#
            let withdrawn = try await harness.client.post(
                "/v1/sms/inbound", json: withdrawal,
                headers: InboundSMSTests.signedHeaders(withdrawal, clock: harness.clock))
            #expect(withdrawn.json["status"] as? String == "queued")
            _ = try await harness.gateway.waitFor(phone: viaPartner) { $0.contains("已取消") }

            let connection = try PostgresConnection(cluster.connectionString)
            try await waitUntil {
                try connection.execute("SELECT count(*) FROM sms_outbox WHERE status = 'sent'").int64(0, 0) == 4
            }
            #expect(try connection.execute("SELECT count(*) FROM partner_reads").int64(0, 0) == 2)
            try connection.execute("CHECKPOINT")
            texts = harness.gateway.all.map(\.body)
            #expect(texts.count == 4)
            texts.append("验证码是\(code)")
        } catch {
            await harness.server.stop()
            throw error
        }
        await harness.server.stop()

        let needles = ([viaWeb, viaSMS, viaPartner, secret] + texts).map { Array($0.utf8) }
        // Control: the masked number, which is stored, is found, so the scan does see the writes.
        let masked = Array((viaWeb.prefix(3) + "****" + viaWeb.suffix(4)).utf8)
        let scan = FileScan([state], for: needles + [masked])
        for (needle, holders) in zip(needles, scan.holders) {
            #expect(holders.isEmpty, "\(holders) hold \(String(decoding: needle, as: UTF8.self))")
        }
        #expect(scan.holders[needles.count].count > 0)
        #expect(scan.files > 100)
        #expect(FileManager.default.fileExists(atPath: cluster.dataDirectory.appendingPathComponent("pg_wal").path))
    }
}
