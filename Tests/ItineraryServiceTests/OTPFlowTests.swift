import Foundation
import ItineraryCore
import ItineraryService
import ItineraryStore
import ItineraryTestTags
import Testing

@Suite("OTP flow over HTTP", .tags(.integration), .timeLimit(.minutes(1)))
struct OTPFlowTests {
    @Test("code by SMS, card with token, card again with the token")
    func fullFlow() async throws {
        try await TestHarness.with(label: "flow") { harness in
            let code = try await harness.sendAndReadCode("13800138000")
            let response = try await harness.verify("+8613800138000", code: code)
            #expect(response.status == 200, "\(response.text)")
            #expect(response.header("Cache-Control") == "no-store")
            let card = response.json
            #expect(card["phone"] as? String == "138****8000")
            #expect(card["generated_at"] as? String == "2022-05-14T00:00:00Z")
            #expect(card["watermark"] as? String == "2022-05-13T23:30:00Z")
            #expect(card["window_days"] as? Int == 14)
            #expect(card["color"] as? String == "green")
            let places = try #require(card["places"] as? [[String: Any]])
            #expect(places.count == 2)
            #expect(places[0]["code"] as? String == "330100")
            #expect(places[0]["name"] as? String == "浙江省杭州市")
            #expect(places[0]["kind"] as? String == "city")
            #expect(places[0]["starred"] as? Bool == true)
            #expect(places[0]["exposure"] as? String == "medium")
            // The card is evaluated at the data time (the fixed source's places are relative to it).
            #expect(card["card_time"] as? String == "2022-05-13T23:30:00Z")
            #expect(card["status"] as? String == "current")
            #expect(places[0]["first_seen"] as? String == "2022-05-08T23:30:00Z")
            #expect(places[1]["name"] as? String == "北京市")
            #expect(places[1]["exposure"] is NSNull)
            #expect(card["token_expires_in"] as? Int == 600)
            let token = try #require(card["token"] as? String)
            #expect(token.count == 43)  // 32 bytes, unpadded base64url

            let verdict = harness.lookup.attestationVerifier.verify(
                try #require(card["attestation"] as? String), now: harness.clock.now())
            guard case .valid(let payload) = verdict else { Issue.record("attestation: \(verdict)"); return }
            #expect(payload.phone == "138****8000")
            #expect(payload.places.map(\.code) == ["330100", "110000"])
            #expect(payload.expiresAt == Fixtures.start + 600)

            harness.clock.advance(by: 120)
            let again = try await harness.showAgain(token: token)
            #expect(again.status == 200, "\(again.text)")
            #expect(again.json["phone"] as? String == "138****8000")
            #expect(again.json["generated_at"] as? String == "2022-05-14T00:02:00Z")
            #expect(again.json["token"] == nil)

            let metrics = try await harness.metrics.get("/metrics")
            #expect(metrics.text.contains(#"lookup_otp_verifications_total{outcome="accepted"} 1"#))
            #expect(metrics.text.contains(#"lookup_otp_sends_total{outcome="sent"} 1"#))
            #expect(
                metrics.text.contains(
                    #"lookup_http_requests_total{route="/v1/itinerary",method="POST",status="200"} 1"#))
            #expect(metrics.text.contains("lookup_http_request_duration_seconds_bucket"))
        }
    }

    @Test("a wrong code is refused and leaves the right one usable")
    func wrongCode() async throws {
        try await TestHarness.with(label: "wrong") { harness in
            let code = try await harness.sendAndReadCode("13900139000")
            let wrong = code == "000000" ? "111111" : "000000"
            let refused = try await harness.verify("13900139000", code: wrong)
            #expect(refused.status == 401)
            #expect(refused.errorCode == "invalid_code")
            #expect((refused.json["error"] as? [String: Any])?["message"] as? String == "wrong code; 4 attempts left")
            let accepted = try await harness.verify("13900139000", code: code)
            #expect(accepted.status == 200)
        }
    }

    @Test("a code expires after 5 minutes")
    func expiry() async throws {
        try await TestHarness.with(label: "expiry") { harness in
            let code = try await harness.sendAndReadCode("13700137000")
            harness.clock.advance(by: 300)
            let response = try await harness.verify("13700137000", code: code)
            #expect(response.status == 401)
            #expect(response.errorCode == "code_expired")
        }
    }

    @Test("a code works at 4:59")
    func almostExpired() async throws {
        try await TestHarness.with(label: "expiry2") { harness in
            let code = try await harness.sendAndReadCode("13700137001")
            harness.clock.advance(by: 299)
            #expect(try await harness.verify("13700137001", code: code).status == 200)
        }
    }

    @Test("a code is single use")
    func reuse() async throws {
        try await TestHarness.with(label: "reuse") { harness in
            let code = try await harness.sendAndReadCode("13600136000")
            #expect(try await harness.verify("13600136000", code: code).status == 200)
            let second = try await harness.verify("13600136000", code: code)
            #expect(second.status == 401)
            #expect(second.errorCode == "invalid_code")
        }
    }

    @Test("after 5 wrong tries even the right code is refused with 429 too_many_attempts")
    func fiveWrongTries() async throws {
        try await TestHarness.with(label: "attempts") { harness in
            let code = try await harness.sendAndReadCode("13500135000")
            let wrong = code == "123456" ? "654321" : "123456"
            for remaining in (0..<5).reversed() {
                let response = try await harness.verify("13500135000", code: wrong)
                #expect(response.status == 401)
                #expect(
                    (response.json["error"] as? [String: Any])?["message"] as? String
                        == "wrong code; \(remaining) attempts left")
            }
            harness.clock.advance(by: 10)
            let burnt = try await harness.verify("13500135000", code: code)
            #expect(burnt.status == 429)
            #expect(burnt.errorCode == "too_many_attempts")
            #expect(burnt.header("Retry-After") == "50")
            // A new code after the resend interval works.
            harness.clock.advance(by: 50)
            let fresh = try await harness.sendAndReadCode("13500135000")
            #expect(try await harness.verify("13500135000", code: fresh).status == 200)
        }
    }

    @Test("one send per phone per 60 s, 10 per day, with Retry-After")
    func resendLimits() async throws {
        try await TestHarness.with(label: "resend") { harness in
            #expect(try await harness.requestCode("13400134000").status == 200)
            harness.clock.advance(by: 15)
            let early = try await harness.requestCode("13400134000")
            #expect(early.status == 429)
            #expect(early.errorCode == "rate_limited")
            #expect(early.header("Retry-After") == "45")
            // Another phone is not affected.
            #expect(try await harness.requestCode("13400134001").status == 200)
            harness.clock.advance(by: 45)
            #expect(try await harness.requestCode("13400134000").status == 200)
            for _ in 3...10 {
                harness.clock.advance(by: 61)
                #expect(try await harness.requestCode("13400134000").status == 200)
            }
            harness.clock.advance(by: 61)
            let daily = try await harness.requestCode("13400134000")
            #expect(daily.status == 429)
            // The first send (at start + 0) leaves the 24 h window at start + 86400.
            let now = harness.clock.now()
            #expect(daily.header("Retry-After") == String(Fixtures.start + 86_400 - now))
        }
    }

    @Test("per-client-address limit on code requests")
    func clientLimit() async throws {
        try await TestHarness.with(label: "client", configure: { $0.clientLimits.codeRequestsPerMinute = 3 }) {
            harness in
            for index in 0..<3 {
                #expect(try await harness.requestCode("1330013300\(index)", client: "192.0.2.7").status == 200)
            }
            let limited = try await harness.requestCode("13300133009", client: "192.0.2.7")
            #expect(limited.status == 429)
            #expect(limited.errorCode == "rate_limited")
            #expect(Int(limited.header("Retry-After") ?? "") == 60)
            #expect(try await harness.requestCode("13300133009", client: "192.0.2.8").status == 200)
        }
    }

    @Test("a service-wide SMS budget per minute across phones, addresses and card replies")
    func smsBudget() async throws {
        try await TestHarness.with(label: "budget", configure: { $0.smsPerMinute = 3 }) { harness in
            for index in 0..<2 {
                #expect(
                    try await harness.requestCode("1310013100\(index)", client: "203.0.11\(index).1").status == 200)
            }
            let reply = #"{"from":"13100131005","text":"CXMYD"}"#
            let queued = try await harness.client.post(
                "/v1/sms/inbound", json: reply, headers: InboundSMSTests.signedHeaders(reply, clock: harness.clock))
            #expect(queued.json["status"] as? String == "queued")
            harness.clock.advance(by: 20)
            // Each from a network of its own: the per-network share is HTTPFaultTests' business.
            let spent = try await harness.requestCode("13100131009", client: "203.0.119.1")
            #expect(spent.status == 429)
            #expect(spent.errorCode == "sms_budget_exhausted")
            #expect(spent.header("Retry-After") == "40")
            let spentReply = try await harness.client.post(
                "/v1/sms/inbound", json: reply, headers: InboundSMSTests.signedHeaders(reply, clock: harness.clock))
            #expect(spentReply.status == 429)
            #expect(spentReply.errorCode == "sms_budget_exhausted")
            harness.clock.advance(by: 40)
            #expect(try await harness.requestCode("13100131009", client: "203.0.119.1").status == 200)
        }
    }

    @Test("many parallel verifications of one code: exactly one succeeds")
    func concurrentVerifications() async throws {
        try await TestHarness.with(label: "race", configure: { $0.databasePoolSize = 4 }) { harness in
            let code = try await harness.sendAndReadCode("13200132000")
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        try await harness.verify("13200132000", code: code, client: "10.1.0.\(index)").status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 1)
            #expect(statuses.filter { $0 == 401 }.count == 23)
        }
    }
}
