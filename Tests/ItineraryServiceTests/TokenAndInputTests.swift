import Foundation
import ItineraryCore
import ItineraryService
import ItineraryTestTags
import Testing

@Suite("Tokens and input validation", .tags(.integration), .timeLimit(.minutes(1)))
struct TokenAndInputTests {
    @Test("a token is reusable for 10 minutes by the same client only")
    func tokenReuseAndExpiry() async throws {
        try await TestHarness.with(label: "token") { harness in
            let code = try await harness.sendAndReadCode("13800138001")
            let token = try #require(try await harness.verify("13800138001", code: code).json["token"] as? String)
            #expect(try await harness.showAgain(token: token).status == 200)
            harness.clock.advance(by: 300)
            #expect(try await harness.showAgain(token: token).status == 200)

            let otherClient = try await harness.showAgain(token: token, client: "10.9.9.9")
            #expect(otherClient.status == 401)
            #expect(otherClient.errorCode == "invalid_token")
            #expect(otherClient.header("WWW-Authenticate") == #"Bearer error="invalid_token""#)

            harness.clock.advance(by: 300)
            let expired = try await harness.showAgain(token: token)
            #expect(expired.status == 401)
            #expect(expired.errorCode == "invalid_token")
        }
    }

    @Test("missing, malformed and unknown tokens are 401 invalid_token")
    func badTokens() async throws {
        try await TestHarness.with(label: "badtoken") { harness in
            for headers in [
                [:], ["Authorization": "Bearer"], ["Authorization": "Basic abc"], ["Authorization": "Bearer !!!"],
                ["Authorization": "Bearer " + String(repeating: "A", count: 43)],
            ] {
                let response = try await harness.client.get("/v1/itinerary", headers: headers)
                #expect(response.status == 401, "\(headers)")
                #expect(response.errorCode == "invalid_token")
            }
        }
    }

    @Test("consent is required")
    func consent() async throws {
        try await TestHarness.with(label: "consent") { harness in
            let code = try await harness.sendAndReadCode("13800138002")
            let refused = try await harness.verify("13800138002", code: code, consent: false)
            #expect(refused.status == 400)
            #expect(refused.errorCode == "consent_required")
            let missing = try await harness.client.post(
                "/v1/itinerary", json: #"{"phone":"13800138002","code":"\#(code)"}"#)
            #expect(missing.status == 400)
            #expect(missing.errorCode == "consent_required")
            // Refusals did not consume the code.
            #expect(try await harness.verify("13800138002", code: code).status == 200)
        }
    }

    @Test("malformed JSON and wrong types are 400")
    func malformed() async throws {
        try await TestHarness.with(label: "malformed") { harness in
            for body in ["", "{", "not json", "[1,2]", "\"phone\"", #"{"phone":"13800138000""#] {
                let response = try await harness.client.post("/v1/otp", json: body)
                #expect(response.status == 400, "\(body)")
                #expect(response.errorCode == "malformed_json", "\(body)")
                #expect((response.json["error"] as? [String: Any])?["message"] is String)
            }
            let wrongType = try await harness.client.post(
                "/v1/itinerary", json: #"{"phone":"13800138000","code":"123456","consent":"yes"}"#)
            #expect(wrongType.status == 400)
            #expect(wrongType.errorCode == "invalid_request")
            let numberPhone = try await harness.client.post("/v1/otp", json: #"{"phone":13800138000}"#)
            #expect(numberPhone.status == 400)
            #expect(numberPhone.errorCode == "invalid_request")
        }
    }

    @Test("bodies over 4 KiB are 413 payload_too_large")
    func oversized() async throws {
        try await TestHarness.with(label: "oversized") { harness in
            let padding = String(repeating: " ", count: 5000)
            let response = try await harness.client.post("/v1/otp", json: #"{"phone":"13800138000"\#(padding)}"#)
            #expect(response.status == 413)
            #expect(response.errorCode == "payload_too_large")
            // Just under the limit is fine.
            let fits = String(repeating: " ", count: 4000)
            #expect(try await harness.client.post("/v1/otp", json: #"{"phone":"13800138003"\#(fits)}"#).status == 200)
        }
    }

    @Test(
        "bad phone formats are 400 invalid_phone naming the fault; 86/+86, separators and full-width digits are accepted"
    )
    func phoneFormats() async throws {
        try await TestHarness.with(label: "phones") { harness in
            for phone in [
                "", "12345", "12800138000", "1380013800", "138001380001", "+8713800138000", "abcdefghijk",
                "+86-1380013800x", "8613800138000000",
            ] {
                let response = try await harness.requestCode(phone)
                #expect(response.status == 400, "\(phone)")
                #expect(response.errorCode == "invalid_phone", "\(phone)")
            }
            let missing = try await harness.client.post("/v1/otp", json: "{}")
            #expect(missing.errorCode == "invalid_phone")
            let verifyBad = try await harness.verify("1234", code: "123456")
            #expect(verifyBad.errorCode == "invalid_phone")
            for (phone, words) in [
                ("1380013800", "10 digits where a mobile number has 11"), ("+8713800138000", "not +86"),
                ("138 0013 800x", "'x' is not a digit"), ("", "no digits"),
            ] {
                let message = try await harness.requestCode(phone).json["error"] as? [String: Any]
                #expect(
                    (message?["message"] as? String)?.contains(words) == true,
                    "\(phone): \(String(describing: message))")
            }
            for (index, phone) in [
                "+8615900159000", "8615900159001", "159 0015 9002", "159-0015-9003", "+86 (159) 0015.9004",
                "＋８６ １５９ ００１５ ９００５",
            ].enumerated() {
                let response = try await harness.requestCode(phone)
                #expect(response.status == 200, "\(phone)")
                #expect(response.json["phone"] as? String == "159****900\(index)")
            }
        }
    }

    @Test("a code that is not 6 digits is refused without costing a try")
    func badCodeFormat() async throws {
        try await TestHarness.with(label: "codefmt") { harness in
            let code = try await harness.sendAndReadCode("13800138004")
            for bad in ["", "12345", "1234567", "12345a"] {
                let response = try await harness.verify("13800138004", code: bad)
                #expect(response.status == 401)
                #expect(response.errorCode == "invalid_code")
            }
            #expect(try await harness.verify("13800138004", code: code).status == 200)
        }
    }

    @Test("unknown paths are JSON 404; health and page are served")
    func misc() async throws {
        try await TestHarness.with(label: "misc") { harness in
            let missing = try await harness.client.get("/nope")
            #expect(missing.status == 404)
            #expect(missing.errorCode == "not_found")
            #expect(try await harness.client.get("/healthz").status == 200)
            #expect(try await harness.client.get("/readyz").status == 200)

            let page = try await harness.client.get("/")
            #expect(page.status == 200)
            #expect(page.header("Content-Type") == "text/html; charset=utf-8")
            #expect(page.body.count < 30 * 1024)
            for text in ["动态行程卡", "更新于", "您于前", "*注：* 表示当前该城市存在中风险或高风险地区，并不表示用户实际到访过这些中高风险地区。", "sessionStorage"] {
                #expect(page.text.contains(text), "\(text)")
            }
            #expect(!page.text.contains("http://") && !page.text.contains("https://"), "no outside assets")

            let key = try await harness.client.get("/v1/attestation/key")
            #expect(key.json["alg"] as? String == "Ed25519")
        }
    }
}
