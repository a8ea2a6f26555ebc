import Foundation
import ItineraryCore
import ItineraryTestTags
import Logging
import Testing

@testable import ItineraryService

/// Faults as a client sees them (issue 18): slow, broken and vanishing request bodies, a wrong
/// method, the Bearer scheme's case, and one network spending the service's SMS budget.
@Suite("HTTP faults seen from outside", .tags(.integration), .timeLimit(.minutes(2)))
struct HTTPFaultTests {
    /// A raw HTTP/1.1 response: status, headers (names lower-cased) and body.
    struct RawResponse {
        var status: Int
        var headers: [String: String]
        var body: String
        var errorCode: String? {
            let json = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            return (json?["error"] as? [String: Any])?["code"] as? String
        }

        /// The first response in `bytes`; `nil` if there is none.
        init?(_ bytes: [UInt8]) {
            let text = String(decoding: bytes, as: UTF8.self)
            guard let split = text.range(of: "\r\n\r\n") else { return nil }
            let lines = text[..<split.lowerBound].split(separator: "\r\n")
            guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.1 "),
                let status = Int(statusLine.dropFirst(9).prefix(3))
            else { return nil }
            self.status = status
            headers = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                    in: .whitespaces)
            }
            let rest = text[split.upperBound...]
            body = String(rest.prefix(headers["content-length"].flatMap { Int($0) } ?? rest.count))
        }
    }

    /// Expects the JSON error `code` with `status`, the security headers and `no-store`.
    static func expectJSONError(_ response: RawResponse?, _ status: Int, _ code: String, _ what: String) {
        guard let response else {
            Issue.record("\(what): no response")
            return
        }
        #expect(response.status == status, "\(what): \(response.status) \(response.body)")
        #expect(response.errorCode == code, "\(what): \(response.body)")
        #expect(response.headers["content-type"] == "application/json; charset=utf-8", "\(what)")
        #expect(response.headers["x-content-type-options"] == "nosniff", "\(what)")
        #expect(response.headers["x-frame-options"] == "DENY", "\(what)")
        #expect(response.headers["content-security-policy"]?.contains("frame-ancestors 'none'") == true, "\(what)")
    }

    /// The request counters of the exposition whose labels contain `labels`: (line, count).
    static func requestCounts(_ exposition: String, _ labels: String = "") -> [(String, Int)] {
        exposition.split(separator: "\n").filter { $0.hasPrefix("lookup_http_requests_total{") && $0.contains(labels) }
            .map { line in (String(line), Int(line.split(separator: " ").last ?? "") ?? 0) }
    }

    /// A POST head for `/v1/otp` declaring a JSON body of `length` bytes, with `start` of it.
    static func otpHead(length: Int, start: String) -> String {
        "POST /v1/otp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(length)\r\n\r\n\(start)"
    }

    @Test(
        "1,000 bodies trickled a byte at a time, each byte inside the idle timeout: every one is answered 408 JSON and closed at the body deadline, in bounded memory",
        .timeLimit(.minutes(1))
    )
    func trickledBodies() async throws {
        let deadline = Duration.seconds(2)
        try await TestHarness.with(
            label: "trickle",
            configure: {
                $0.requestBodyTimeout = deadline
                // Longer than the deadline: only the deadline can end a trickling connection
                // (each byte restarts the idle timeout, however slow this loop runs).
                $0.idleTimeout = .seconds(4)
            }
        ) { harness in
            #expect(try await harness.client.get("/healthz").status == 200)
            let memoryBefore = ResidentMemory.bytes
            var sockets: [RawSocket] = []
            for _ in 0..<1_000 {
                let socket = try RawSocket(port: harness.server.port)
                try socket.send(Self.otpHead(length: 64, start: "{"))
                sockets.append(socket)
            }
            let started = ContinuousClock.now
            var answers = [[UInt8]](repeating: [], count: sockets.count)
            var closedAfter = [Duration?](repeating: nil, count: sockets.count)
            var memoryPeak = memoryBefore
            // A byte each round (400 ms and the round's own time) keeps every connection inside
            // the idle timeout: only a deadline on the whole body can end it.
            while closedAfter.contains(where: { $0 == nil }), ContinuousClock.now < started + deadline + .seconds(6) {
                for (index, socket) in sockets.enumerated() where closedAfter[index] == nil {
                    let (bytes, closed) = socket.drain()
                    answers[index] += bytes
                    if closed {
                        closedAfter[index] = ContinuousClock.now - started
                    } else {
                        socket.trySend(" ")
                    }
                }
                memoryPeak = max(memoryPeak, ResidentMemory.bytes)
                try await Task.sleep(for: .milliseconds(400))
            }
            // All closed within the deadline, the answer and a second's lingering close, on a
            // loaded machine.
            let open = closedAfter.filter { $0 == nil }.count
            #expect(open == 0, "\(open) of 1,000 trickling connections still open after \(deadline + .seconds(6))")
            let latest = closedAfter.compactMap { $0 }.max() ?? .zero
            let timedOut = answers.filter { RawResponse($0)?.status == 408 }.count
            #expect(timedOut == sockets.count, "\(timedOut) of 1,000 answered 408")
            Self.expectJSONError(RawResponse(answers[0]), 408, "request_timeout", "trickled body")
            #expect(RawResponse(answers[0])?.headers["connection"] == "close")
            let growth = (memoryPeak - memoryBefore) / (1024 * 1024)
            #expect(growth < 64, "resident memory grew \(growth) MiB for 1,000 trickling connections")
            print("trickle: 1,000 connections, last closed after \(latest), peak resident growth \(growth) MiB")
            #expect(try await harness.client.get("/healthz").status == 200)
            let exposition = try await harness.metrics.get("/metrics").text
            #expect(Self.requestCounts(exposition, #"status="5"#).isEmpty, "\(exposition)")
        }
    }

    @Test("a malformed chunked body is 400 malformed_request with the JSON body and security headers, not a 500")
    func malformedChunked() async throws {
        let recorder = LogRecorder()
        let harness = try await TestHarness.start(label: "chunked", logger: recorder.logger(label: "itinerary.lookup"))
        do {
            for body in ["ZZ\r\n{}\r\n0\r\n\r\n", "2\r\n{}XX0\r\n\r\n", "-1\r\n{}\r\n0\r\n\r\n"] {
                let socket = try RawSocket(port: harness.server.port)
                try socket.send(
                    "POST /v1/otp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + body)
                let answer = socket.readToEnd(timeout: .seconds(3))
                Self.expectJSONError(RawResponse(answer), 400, "malformed_request", body.debugDescription)
                // One answer, not a second bare 400 after it.
                #expect(String(decoding: answer, as: UTF8.self).components(separatedBy: "HTTP/1.1 ").count == 2)
            }
            let exposition = try await harness.metrics.get("/metrics").text
            #expect(Self.requestCounts(exposition, #"status="5"#).isEmpty, "\(exposition)")
            #expect(recorder.entries(atLeast: .error).isEmpty, "\(recorder.entries(atLeast: .error))")
            #expect(harness.gateway.all.isEmpty)
        } catch {
            await harness.server.stop()
            throw error
        }
        await harness.server.stop()
    }

    @Test("a client hanging up mid-body is neither logged as an error nor counted as a 5xx")
    func hangUpMidBody() async throws {
        let recorder = LogRecorder()
        let harness = try await TestHarness.start(label: "hangup", logger: recorder.logger(label: "itinerary.lookup"))
        do {
            for _ in 0..<5 {
                let socket = try RawSocket(port: harness.server.port)
                try socket.send(Self.otpHead(length: 100, start: #"{"phone":"138"#))
                try await Task.sleep(for: .milliseconds(50))
                socket.hangUp()
            }
            // Each is counted once the server has seen the end of its stream.
            var counted: [(String, Int)] = []
            let waitUntil = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < waitUntil {
                counted = Self.requestCounts(try await harness.metrics.get("/metrics").text, #"route="/v1/otp""#)
                if counted.map(\.1).reduce(0, +) >= 5 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(counted.map(\.1).reduce(0, +) == 5, "\(counted)")
            // Counted as the client's doing (499, as nginx does), not the server's.
            #expect(counted.allSatisfy { $0.0.contains(#"status="499""#) }, "\(counted)")
            #expect(recorder.entries(atLeast: .error).isEmpty, "\(recorder.entries(atLeast: .error))")
            #expect(try await harness.client.get("/healthz").status == 200)
        } catch {
            await harness.server.stop()
            throw error
        }
        await harness.server.stop()
    }

    @Test(
        "a wrong method on a known path is 405 with Allow and the JSON body; unknown paths stay 404; HEAD answers GET routes"
    )
    func methodNotAllowed() async throws {
        try await TestHarness.with(label: "method") { harness in
            for (method, path, allow) in [
                ("GET", "/v1/otp", "POST"), ("PUT", "/v1/otp", "POST"), ("POST", "/healthz", "GET, HEAD"),
                ("DELETE", "/v1/itinerary", "GET, HEAD, POST"), ("POST", "/v1/itinerary/code", "GET, HEAD"),
                ("GET", "/v1/sms/inbound", "POST"),
            ] {
                let response = try await harness.client.send(
                    method, path, body: method == "GET" ? nil : Data("{}".utf8))
                #expect(response.status == 405, "\(method) \(path): \(response.status) \(response.text)")
                #expect(response.errorCode == "method_not_allowed", "\(method) \(path)")
                #expect(response.header("Allow") == allow, "\(method) \(path)")
                #expect(response.header("X-Content-Type-Options") == "nosniff", "\(method) \(path)")
            }
            let unknown = try await harness.client.send("POST", "/v1/nope", body: Data("{}".utf8))
            #expect(unknown.status == 404)
            #expect(unknown.errorCode == "not_found")
            let head = try await harness.client.send("HEAD", "/healthz")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            // A HEAD on a POST path: 405 with Allow, and no body after the head.
            let socket = try RawSocket(port: harness.server.port)
            try socket.send("HEAD /v1/otp HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let answer = String(decoding: socket.readToEnd(timeout: .seconds(3)), as: UTF8.self)
            #expect(answer.hasPrefix("HTTP/1.1 405"), "\(answer)")
            #expect(answer.contains("Allow: POST\r\n"), "\(answer)")
            #expect(answer.hasSuffix("\r\n\r\n"), "\(answer)")
            let exposition = try await harness.metrics.get("/metrics").text
            #expect(
                exposition.contains(#"lookup_http_requests_total{route="/v1/otp",method="GET",status="405"} 1"#),
                "\(exposition)")
        }
    }

    @Test("the Bearer scheme is case-insensitive (RFC 7235): bearer, BEARER and extra spaces are accepted")
    func bearerCase() async throws {
        try await TestHarness.with(label: "bearer") { harness in
            let token = try #require(try await harness.signIn("13800138000").json["token"] as? String)
            for authorization in ["bearer \(token)", "BEARER \(token)", "Bearer   \(token)", "bEaReR \(token) "] {
                let headers = ["Authorization": authorization, "X-Forwarded-For": "10.0.0.1"]
                let card = try await harness.client.get("/v1/itinerary", headers: headers)
                #expect(card.status == 200, "\(authorization): \(card.text)")
                let code = try await harness.client.get("/v1/itinerary/code", headers: headers)
                #expect(code.status == 200, "\(authorization): \(code.text)")
            }
            for authorization in ["Bearer", "Bearer\(token)", "Basic \(token)", "bearer"] {
                let refused = try await harness.client.get(
                    "/v1/itinerary", headers: ["Authorization": authorization, "X-Forwarded-For": "10.0.0.1"])
                #expect(refused.status == 401, "\(authorization)")
                #expect(refused.errorCode == "invalid_token", "\(authorization)")
            }
        }
    }

    /// Asks for codes from each of `addresses` in turn, a new phone each time, `rounds` times:
    /// the statuses and error codes.
    static func codeRequests(
        _ harness: TestHarness, from addresses: [String], rounds: Int, firstPhone: Int
    )
        async throws -> [(status: Int, code: String?, retryAfter: String?)]
    {
        var results: [(Int, String?, String?)] = []
        var phone = firstPhone
        for _ in 0..<rounds {
            for address in addresses {
                let response = try await harness.requestCode("1\(phone)", client: address)
                results.append((response.status, response.errorCode, response.header("Retry-After")))
                phone += 1
            }
        }
        return results
    }

    @Test(
        "one machine with 36 addresses in one /24 (or /64) gets its network's share of code SMS; other networks still get theirs",
        arguments: ["10.1.2.", "2001:db8:1:2::"]
    )
    func networkShare(prefix: String) async throws {
        try await TestHarness.with(
            label: "share",
            configure: {
                $0.smsPerMinute = 100
                $0.clientLimits.codeRequestsPerMinute = 20
            }
        ) { harness in
            let addresses = (1...36).map { prefix + String($0) }
            let results = try await Self.codeRequests(harness, from: addresses, rounds: 5, firstPhone: 3_800_000_000)
            let sent = results.filter { $0.status == 200 }.count
            // A tenth of the budget per network by default.
            #expect(sent == 10, "\(sent) codes sent to one network")
            let refused = results.filter { $0.status != 200 }
            #expect(refused.allSatisfy { $0.status == 429 && $0.code == "rate_limited" && $0.retryAfter != nil })
            #expect(!refused.contains { $0.code == "sms_budget_exhausted" })
            // Everyone else is not locked out.
            for (index, other) in ["192.0.2.7", "198.51.100.9", "2001:db8:9::1"].enumerated() {
                let response = try await harness.requestCode("1390000000\(index)", client: other)
                #expect(response.status == 200, "\(other): \(response.text)")
            }
            let exposition = try await harness.metrics.get("/metrics").text
            #expect(exposition.contains(#"lookup_otp_sends_total{outcome="network_limited"} 170"#), "\(exposition)")
        }
    }

    @Test("networks are IPv4 /24 and IPv6 /64; an IPv4-mapped address is its IPv4 network")
    func networkPrefixes() {
        #expect(NetworkPrefix.of(client: "10.1.2.3") == "10.1.2.0/24")
        #expect(NetworkPrefix.of(client: "10.1.3.3") == "10.1.3.0/24")
        #expect(NetworkPrefix.of(client: "2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64")
        #expect(NetworkPrefix.of(client: "2001:db8:1:3::1") == "2001:db8:1:3::/64")
        #expect(NetworkPrefix.of(client: "::ffff:192.0.2.77") == "192.0.2.0/24")
        #expect(NetworkPrefix.of(client: "unknown") == "unknown")
    }

    @Test("/metrics is served on its own loopback listener, not on the public port")
    func metricsListener() async throws {
        try await TestHarness.with(label: "metricsport") { harness in
            let metricsPort = try #require(harness.server.metricsPort)
            #expect(metricsPort != harness.server.port)
            let publicMetrics = try await harness.client.get("/metrics")
            #expect(publicMetrics.status == 404)
            #expect(publicMetrics.errorCode == "not_found")
            _ = try await harness.client.get("/healthz")
            let metrics = try await harness.metrics.get("/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
            #expect(metrics.text.contains(#"lookup_http_requests_total{route="/healthz",method="GET",status="200"} 1"#))
            #expect(metrics.text.contains("lookup_http_request_duration_seconds_bucket"))
            #expect(metrics.text.contains("lookup_data_lag_seconds"))
        }
        // The default listens on loopback only.
        #expect(
            ServiceConfiguration(stateDirectory: "/tmp", phoneKeyer: Fixtures.phoneKeyer).metricsHost == "127.0.0.1")
    }
}
