import Foundation
import ItineraryService
import ItineraryTestTags
import Testing

@Suite("Browser safety: headers, content types, origins", .tags(.integration), .timeLimit(.minutes(1)))
struct BrowserSafetyTests {
    @Test("every response, errors and the page included, forbids framing and sniffing")
    func headersEverywhere() async throws {
        try await TestHarness.with(label: "headers") { harness in
            let responses = [
                ("page", try await harness.client.get("/")),
                ("healthz", try await harness.client.get("/healthz")),
                ("metrics", try await harness.metrics.get("/metrics")),
                ("404", try await harness.client.get("/nope")),
                ("400", try await harness.client.post("/v1/otp", json: "{")),
                ("401", try await harness.client.get("/v1/itinerary")),
                ("415", try await harness.client.post("/v1/otp", json: "{}", headers: ["Content-Type": "text/plain"])),
                ("200 JSON", try await harness.requestCode("13800138000")),
            ]
            for (what, response) in responses {
                #expect(
                    response.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true, "\(what)")
                #expect(response.header("X-Content-Type-Options") == "nosniff", "\(what)")
                #expect(response.header("X-Frame-Options") == "DENY", "\(what)")
            }
            // The page keeps the policy its inline script and style need.
            let page = try #require(responses.first?.1.header("Content-Security-Policy"))
            #expect(page.contains("script-src 'unsafe-inline'") && page.contains("connect-src 'self'"), "\(page)")
        }
    }

    @Test("POSTs that are not application/json are 415 and send nothing")
    func contentType() async throws {
        try await TestHarness.with(label: "ctype") { harness in
            let body = #"{"phone":"13800138000"}"#
            for type in [
                "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/jsonp",
            ] {
                let response = try await harness.client.post("/v1/otp", json: body, headers: ["Content-Type": type])
                #expect(response.status == 415, "\(type)")
                #expect(response.errorCode == "unsupported_media_type", "\(type)")
            }
            let withCharset = try await harness.client.post(
                "/v1/otp", json: body, headers: ["Content-Type": "Application/JSON; charset=utf-8"])
            #expect(withCharset.status == 200, "\(withCharset.text)")
            _ = try await harness.gateway.waitFor(phone: "13800138000")
            #expect(harness.gateway.all.count == 1)
        }
    }

    @Test("cross-origin POSTs are 403; same-origin and origin-less (server-to-server) ones pass")
    func origins() async throws {
        try await TestHarness.with(label: "origin") { harness in
            let own = "http://127.0.0.1:\(harness.server.port)"
            let cases: [([String: String], Int)] = [
                (["Origin": "http://evil.example"], 403),
                (["Origin": "null"], 403),
                (["Origin": "http://127.0.0.1:1"], 403),
                (["Sec-Fetch-Site": "cross-site"], 403),
                (["Origin": own, "Sec-Fetch-Site": "cross-site"], 403),
                (["Origin": own, "Sec-Fetch-Site": "same-origin"], 200),
                ([:], 200),
            ]
            for (index, (headers, status)) in cases.enumerated() {
                let phone = "1380013810\(index)"
                let response = try await harness.client.post(
                    "/v1/otp", json: #"{"phone":"\#(phone)"}"#,
                    headers: headers.merging(["X-Forwarded-For": "10.1.0.\(index)"]) { $1 }
                )
                #expect(response.status == status, "\(headers): \(response.text)")
                if status == 403 { #expect(response.errorCode == "cross_origin", "\(headers)") }
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(Set(harness.gateway.all.map(\.phone)) == ["13800138105", "13800138106"])
        }
    }
}
