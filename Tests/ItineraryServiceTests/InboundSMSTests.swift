import Crypto
import Foundation
import ItineraryStore
import Testing

@Suite("Inbound SMS and the outbox", .timeLimit(.minutes(1)))
struct InboundSMSTests {
    static func sign(_ body: String, secret: [UInt8] = TestHarness.inboundSecret) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: SymmetricKey(data: secret))
            .map { String(format: "%02x", $0) }.joined()
    }

    @Test("a signed CXMYD text gets the card in words; the clear number is erased once sent")
    func keyword() async throws {
        try await TestHarness.with(label: "inbound") { harness in
            let body = #"{"from":"8613800138000","text":"  cxmyd \n"}"#
            let response = try await harness.client.post("/v1/sms/inbound", json: body, headers: ["X-Signature": Self.sign(body)])
            #expect(response.status == 200, "\(response.text)")
            #expect(response.json["status"] as? String == "queued")
            let reply = try await harness.gateway.waitFor(phone: "13800138000") { $0.contains("行程") }
            #expect(reply.masked == "138****8000")
            #expect(reply.body.contains("138****8000 您于前14天内到达或途经：浙江省杭州市*，北京市"), "\(reply.body)")
            #expect(reply.body.contains("更新于：2022.05.14 08:00:00"))

            // Sent: no clear number left in the outbox.
            let connection = try PostgresConnection(harness.connectionString)
            try await waitUntil {
                try connection.execute("SELECT count(*) FROM sms_outbox WHERE status = 'sent'").int64(0, 0) == 1
            }
            let clear = try connection.execute("SELECT count(*) FROM sms_outbox WHERE phone_clear IS NOT NULL").int64(0, 0)
            #expect(clear == 0)
            let stored = try connection.execute("SELECT phone_masked, kind FROM sms_outbox")
            #expect(stored.string(0, 0) == "138****8000")
            #expect(stored.string(0, 1) == "reply")
        }
    }

    @Test("bad or missing signatures are 401 invalid_signature")
    func badSignature() async throws {
        try await TestHarness.with(label: "inboundsig") { harness in
            let body = #"{"from":"13800138000","text":"CXMYD"}"#
            for headers in [[:], ["X-Signature": "zz"], ["X-Signature": Self.sign(body + " ")],
                            ["X-Signature": Self.sign(body, secret: Array("another secret".utf8))]] {
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
            let ignored = try await harness.client.post("/v1/sms/inbound", json: other, headers: ["X-Signature": Self.sign(other)])
            #expect(ignored.json["status"] as? String == "ignored")
            let body = #"{"from":"13800138000","text":"CXMYD"}"#
            var statuses: [String] = []
            for _ in 0..<3 {
                let response = try await harness.client.post("/v1/sms/inbound", json: body, headers: ["X-Signature": Self.sign(body)])
                statuses.append(response.json["status"] as? String ?? "?")
            }
            #expect(statuses == ["queued", "queued", "throttled"])
        }
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

import ItineraryService

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
