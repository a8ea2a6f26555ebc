import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ItineraryCore
import ItineraryTestTags
import Logging
import NIOHTTP1
import Testing

@testable import ItineraryService

/// HTTP behaviour through the router on in-memory stores (unit tier): methods, JSON errors with
/// the security headers, and a client hanging up mid-body.
@Suite("HTTP through the router, in-memory stores", .tags(.unit))
struct RouterHTTPTests {
    /// Expects the JSON error `code` with `status`, the security headers and `no-store`.
    static func expectJSONError(_ response: TestResponse, _ status: Int, _ code: String, _ what: String) {
        #expect(response.status.code == status, "\(what): \(response.status) \(response.text)")
        #expect(response.errorCode == code, "\(what): \(response.text)")
        #expect(response.headers[.contentType] == "application/json; charset=utf-8", "\(what)")
        #expect(response.headers[.cacheControl] == "no-store", "\(what)")
        #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", "\(what)")
        #expect(response.headers[.xFrameOptions] == "DENY", "\(what)")
        #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true, "\(what)")
    }

    @Test(
        "a wrong method on a known path is 405 with Allow, counted under the path; unknown paths 404; HEAD answers GET routes"
    )
    func methods() async throws {
        let harness = try RouterHarness()
        try await harness.test { client in
            for (method, path, allow) in [
                (HTTPRequest.Method.get, "/v1/otp", "POST"), (.put, "/v1/otp", "POST"),
                (.post, "/healthz", "GET, HEAD"),
                (.delete, "/v1/itinerary", "GET, HEAD, POST"), (.post, "/v1/itinerary/code", "GET, HEAD"),
                (.get, "/v1/sms/inbound", "POST"),
            ] {
                let response = try await client.send(method, path, json: method == .get || method == .head ? nil : "{}")
                Self.expectJSONError(response, 405, "method_not_allowed", "\(method) \(path)")
                #expect(response.headers[.allow] == allow, "\(method) \(path)")
            }
            // HEAD on a POST path: 405 with Allow and the headers, no body.
            let head = try await client.send(.head, "/v1/otp")
            #expect(head.status == .methodNotAllowed)
            #expect(head.headers[.allow] == "POST")
            #expect(head.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(head.body.readableBytes == 0)
            Self.expectJSONError(try await client.send(.post, "/v1/nope", json: "{}"), 404, "not_found", "unknown path")
            for path in ["/healthz", "/", "/v1/places"] {
                let get = try await client.send(.get, path)
                let head = try await client.send(.head, path)
                #expect(get.status == .ok, "GET \(path)")
                #expect(head.status == .ok, "HEAD \(path)")
                #expect(head.body.readableBytes == 0, "HEAD \(path)")
                #expect(head.headers[.contentType] == get.headers[.contentType], "HEAD \(path)")
            }
            #expect(
                harness.requestCounts(#"route="/v1/otp",method="GET",status="405""#).map(\.1) == [1],
                "\(harness.metrics.exposition())")
        }
    }

    @Test("bad input is a JSON error with the right status and the security headers")
    func jsonErrors() async throws {
        let harness = try RouterHarness()
        try await harness.test { client in
            Self.expectJSONError(try await client.send(.post, "/v1/otp", json: "{"), 400, "malformed_json", "bad JSON")
            Self.expectJSONError(try await client.send(.post, "/v1/otp", json: "[]"), 400, "malformed_json", "array")
            Self.expectJSONError(
                try await client.send(.post, "/v1/otp", json: #"{"phone":"12345"}"#), 400, "invalid_phone", "phone")
            Self.expectJSONError(
                try await client.send(
                    .post, "/v1/otp", json: #"{"phone":"13800138000"}"#, headers: [.contentType: "text/plain"]),
                415, "unsupported_media_type", "text/plain")
            Self.expectJSONError(
                try await client.send(.post, "/v1/otp", json: String(repeating: " ", count: 5000)), 413,
                "payload_too_large", "5,000 bytes")
            Self.expectJSONError(
                try await client.verify("13800138000", code: "12345"), 401, "invalid_code", "five-digit code")
            Self.expectJSONError(
                try await client.verify("13800138000", code: "123456", consent: false), 400, "consent_required",
                "no consent")
            Self.expectJSONError(try await client.send(.get, "/v1/itinerary"), 401, "invalid_token", "no token")
            Self.expectJSONError(
                try await client.withToken(String(repeating: "A", count: 43)), 401, "invalid_token", "unknown token")
            Self.expectJSONError(
                try await client.withToken("x", scheme: "Basic"), 401, "invalid_token", "Basic scheme")
            // None of it reached the outbox, and none is a 5xx.
            #expect(harness.outbox.queued.isEmpty)
            #expect(harness.requestCounts(#"status="5"#).isEmpty, "\(harness.metrics.exposition())")
        }
    }

    @Test("a signed inbound text gets its reply queued; the same callback again is 409 replayed, a stale one 401")
    func inboundSMSNonces() async throws {
        let harness = try RouterHarness()
        try await harness.test { client in
            let body = #"{"from":"13800138000","text":"CXMYD"}"#
            func signed(nonce: String) -> HTTPFields {
                var fields = HTTPFields()
                for (name, value) in InboundSMSTests.signedHeaders(body, clock: harness.clock, nonce: nonce) {
                    if let name = HTTPField.Name(name) { fields[name] = value }
                }
                return fields
            }
            let first = try await client.send(
                .post, "/v1/sms/inbound", json: body, headers: signed(nonce: "nonce-first"))
            #expect(first.status == .ok, "\(first.text)")
            #expect(harness.outbox.queued.map(\.kind) == [.reply])
            Self.expectJSONError(
                try await client.send(.post, "/v1/sms/inbound", json: body, headers: signed(nonce: "nonce-first")), 409,
                "replayed", "the same nonce")
            let stale = signed(nonce: "nonce-second")
            harness.clock.advance(by: 600)
            Self.expectJSONError(
                try await client.send(.post, "/v1/sms/inbound", json: body, headers: stale), 401, "stale_timestamp",
                "ten minutes old")
            #expect(harness.outbox.queued.count == 1)
        }
    }

    @Test(
        "a client hanging up mid-body (or its request cancelled) is 499 in the metrics, not a 5xx, and no error is logged",
        arguments: [false, true]
    )
    func hangUpMidBody(cancelled: Bool) async throws {
        let recorder = LogRecorder()
        let harness = try RouterHarness(logger: recorder.logger(label: "itinerary.lookup"))
        let leaving: @Sendable (Request) -> Request = { request in
            // What the connection's body gives when the peer closes before the declared length.
            let (body, arrival) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
            arrival.yield(ByteBuffer(string: #"{"phone":"138"#))
            arrival.finish(throwing: cancelled ? CancellationError() : HTTPParserError.invalidEOFState)
            var request = request
            request.body = RequestBody(asyncSequence: body)
            return request
        }
        try await harness.test(arriving: leaving) { client in
            for _ in 0..<3 {
                let response = try await client.requestCode("13800138000")
                #expect(response.status.code == 499, "\(response.text)")
            }
        }
        #expect(harness.requestCounts(#"route="/v1/otp""#).map(\.1).reduce(0, +) == 3)
        #expect(
            harness.requestCounts(#"route="/v1/otp""#).allSatisfy { $0.0.contains(#"status="499""#) },
            "\(harness.metrics.exposition())")
        #expect(harness.requestCounts(#"status="5"#).isEmpty, "\(harness.metrics.exposition())")
        #expect(recorder.entries(atLeast: .error).isEmpty, "\(recorder.entries(atLeast: .error))")
        #expect(harness.outbox.queued.isEmpty)
    }
}
