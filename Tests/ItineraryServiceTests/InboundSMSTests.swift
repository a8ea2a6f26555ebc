import Crypto
import Foundation
import ItineraryCore
import ItineraryPostgres
import ItineraryService
import ItineraryStore
import ItineraryTestTags
import Testing

@Suite("Inbound SMS and the outbox", .tags(.integration), .timeLimit(.minutes(1)))
struct InboundSMSTests {
    /// The signature as a gateway computes it, written out here independently of the service's code.
    static func sign(
        _ body: String, timestamp: Int64, nonce: String, secret: [UInt8] = TestHarness.inboundSecret
    ) -> String {
        HMAC<SHA256>.authenticationCode(
            for: Array("\(timestamp)\n\(nonce)\n\(body)".utf8), using: SymmetricKey(data: secret)
        )
        .map { String(format: "%02x", $0) }.joined()
    }

    /// The headers the gateway sends with `body`: the clock's time, a fresh nonce, the signature.
    static func signedHeaders(_ body: String, clock: ManualClock, nonce: String = UUID().uuidString) -> [String: String]
    {
        let timestamp = clock.now()
        return [
            "X-Timestamp": String(timestamp), "X-Nonce": nonce,
            "X-Signature": sign(body, timestamp: timestamp, nonce: nonce),
        ]
    }

    @Test("a signed CXMYD text gets the card in words; the sealed message is erased once sent")
    func keyword() async throws {
        try await TestHarness.with(label: "inbound") { harness in
            let body = #"{"from":"8613800138000","text":"  cxmyd \n"}"#
            let response = try await harness.client.post(
                "/v1/sms/inbound", json: body, headers: Self.signedHeaders(body, clock: harness.clock))
            #expect(response.status == 200, "\(response.text)")
            #expect(response.json["status"] as? String == "queued")
            let reply = try await harness.gateway.waitFor(phone: "13800138000") { $0.contains("行程") }
            #expect(reply.masked == "138****8000")
            #expect(reply.body.contains("138****8000 您于前14天内到达或途经：浙江省杭州市*，北京市"), "\(reply.body)")
            // The card is the card at the data time (half an hour before the request), and says so.
            #expect(reply.body.contains("更新于：2022.05.14 07:30:00"), "\(reply.body)")
            #expect(reply.body.contains("行程卡颜色：绿色"))

            // Sent: no clear number left in the outbox.
            let connection = try PostgresConnection(harness.connectionString)
            try await waitUntil {
                try connection.execute("SELECT count(*) FROM sms_outbox WHERE status = 'sent'").int64(0, 0) == 1
            }
            let sealed = try connection.execute("SELECT count(*) FROM sms_outbox WHERE sealed IS NOT NULL").int64(0, 0)
            #expect(sealed == 0)
            let stored = try connection.execute("SELECT phone_masked, kind FROM sms_outbox")
            #expect(stored.string(0, 0) == "138****8000")
            #expect(stored.string(0, 1) == "reply")
        }
    }

    @Test("CXMYD EN gets the card in English, places named in English")
    func keywordInEnglish() async throws {
        try await TestHarness.with(label: "inbound-en") { harness in
            let body = #"{"from":"13800138006","text":"cxmyd en"}"#
            let response = try await harness.client.post(
                "/v1/sms/inbound", json: body, headers: Self.signedHeaders(body, clock: harness.clock))
            #expect(response.json["status"] as? String == "queued", "\(response.text)")
            let reply = try await harness.gateway.waitFor(phone: "13800138006") { $0.hasPrefix("[Itinerary Card]") }
            #expect(
                reply.body.contains(
                    "138****8006 In the past 14 days visited or passed through: Hangzhou, Zhejiang*; Beijing."),
                "\(reply.body)")
        }
    }

    @Test("bad or missing signatures, timestamps or nonces are 401 invalid_signature")
    func badSignature() async throws {
        try await TestHarness.with(label: "inboundsig") { harness in
            let body = #"{"from":"13800138000","text":"CXMYD"}"#
            let good = Self.signedHeaders(body, clock: harness.clock, nonce: "n0nce-0001")
            let now = harness.clock.now()
            let variants: [[String: String]] = [
                [:],
                good.merging(["X-Signature": "zz"]) { $1 },
                good.merging(["X-Signature": Self.sign(body + " ", timestamp: now, nonce: "n0nce-0001")]) { $1 },
                good.merging([
                    "X-Signature": Self.sign(
                        body, timestamp: now, nonce: "n0nce-0001", secret: Array("another secret".utf8))
                ]) { $1 },
                good.merging(["X-Timestamp": String(now + 1)]) { $1 },  // signed over another time
                good.merging(["X-Nonce": "n0nce-0002"]) { $1 },  // signed over another nonce
                good.filter { $0.key != "X-Timestamp" },
                good.filter { $0.key != "X-Nonce" },
                [
                    "X-Timestamp": String(now), "X-Nonce": "short",
                    "X-Signature": Self.sign(body, timestamp: now, nonce: "short"),
                ],
                // The old scheme (body only) no longer passes.
                [
                    "X-Signature": HMAC<SHA256>.authenticationCode(
                        for: Array(body.utf8), using: SymmetricKey(data: TestHarness.inboundSecret)
                    )
                    .map { String(format: "%02x", $0) }.joined()
                ],
            ]
            for headers in variants {
                let response = try await harness.client.post("/v1/sms/inbound", json: body, headers: headers)
                #expect(response.status == 401, "\(headers)")
                #expect(response.errorCode == "invalid_signature")
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(harness.gateway.all.isEmpty)
        }
    }

    @Test("other texts are ignored; replies are throttled per phone")
    func ignoredAndThrottled() async throws {
        try await TestHarness.with(label: "inboundother") { harness in
            let other = #"{"from":"13800138000","text":"hello"}"#
            let ignored = try await harness.client.post(
                "/v1/sms/inbound", json: other, headers: Self.signedHeaders(other, clock: harness.clock))
            #expect(ignored.json["status"] as? String == "ignored")
            let body = #"{"from":"13800138000","text":"CXMYD"}"#
            var statuses: [String] = []
            for _ in 0..<3 {
                let response = try await harness.client.post(
                    "/v1/sms/inbound", json: body, headers: Self.signedHeaders(body, clock: harness.clock))
                statuses.append(response.json["status"] as? String ?? "?")
            }
            #expect(statuses == ["queued", "queued", "throttled"])
        }
    }

    @Test("a callback sent again is 409 replayed, even by another instance; stale timestamps are 401")
    func replays() async throws {
        let database = try TestHarness.migratedDatabase(label: "inboundreplay")
        // Two instances of one deployment share the outbox key: either sender may send the reply.
        let outboxKey = [UInt8](repeating: 9, count: 32)
        let first = try await TestHarness.start(
            label: "inboundreplay", connectionString: database, configure: { $0.outboxKey = outboxKey })
        let second = try await TestHarness.start(
            label: "inboundreplay", connectionString: database, configure: { $0.outboxKey = outboxKey })
        do {
            let body = #"{"from":"13800138000","text":"CXMYD"}"#
            let headers = Self.signedHeaders(body, clock: first.clock)
            #expect(
                try await first.client.post("/v1/sms/inbound", json: body, headers: headers).json["status"] as? String
                    == "queued")
            for harness in [first, second] {
                let again = try await harness.client.post("/v1/sms/inbound", json: body, headers: headers)
                #expect(again.status == 409, "\(again.text)")
                #expect(again.errorCode == "replayed")
            }
            let deadline = ContinuousClock.now + .seconds(5)
            while first.gateway.all.count + second.gateway.all.count == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(first.gateway.all.count + second.gateway.all.count == 1)

            // Five minutes off is still accepted, a second more is not (either way).
            for (offset, status) in [(-300, 200), (300, 200), (-301, 401), (301, 401)] as [(Int64, Int)] {
                let nonce = UUID().uuidString
                let timestamp = first.clock.now() + offset
                let response = try await first.client.post(
                    "/v1/sms/inbound", json: #"{"from":"13800138000","text":"hello"}"#,
                    headers: [
                        "X-Timestamp": String(timestamp), "X-Nonce": nonce,
                        "X-Signature": Self.sign(
                            #"{"from":"13800138000","text":"hello"}"#, timestamp: timestamp, nonce: nonce),
                    ])
                #expect(response.status == status, "offset \(offset): \(response.text)")
                if status == 401 { #expect(response.errorCode == "stale_timestamp") }
            }
        } catch {
            await first.server.stop()
            await second.server.stop()
            throw error
        }
        await first.server.stop()
        await second.server.stop()
    }

    @Test("the console gateway prints the masked number and the code")
    func consoleGateway() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sms-\(UUID().uuidString).log").path
        let gateway = ConsoleSMSGatewayProbe.make(mirrorPath: path)
        try await gateway.send(to: "13800138000", masked: "138****8000", body: "您的验证码是123456", id: 1)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "SMS to 138****8000: 您的验证码是123456\n")
        #expect(!text.contains("13800138000"))
    }
}

enum ConsoleSMSGatewayProbe {
    static func make(mirrorPath: String) -> ConsoleSMSGateway { ConsoleSMSGateway(mirrorPath: mirrorPath) }
}

/// Polls `condition` for up to 5 s.
func waitUntil(_ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(5)
    while ContinuousClock.now < deadline {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(25))
    }
    throw TestFailure("condition not met within 5 s")
}
