import Foundation
import Hummingbird
import ItineraryService
import ItineraryTestTags
import ServiceLifecycle
import Synchronization
import Testing

/// The webhook gateway against a real receiver on a local port: what it posts, what it retries,
/// what it gives up on, and that it never follows a redirect with a phone number in the body.
@Suite("The SMS webhook gateway", .tags(.integration), .timeLimit(.minutes(1)))
struct WebhookSMSGatewayTests {
    @Test func postsTheSignedMessageOnce() async throws {
        let secret = Array("a-shared-webhook-secret".utf8)
        try await WebhookReceiver.with(answers: [200]) { receiver, url in
            let gateway = WebhookSMSGateway(url: url, secret: secret)
            try await gateway.send(to: "13800138000", masked: "138****8000", body: "验证码 123456", id: 42)
            let posts = receiver.posts
            #expect(posts.count == 1)
            let post = try #require(posts.first)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(post.body)) as? [String: Any])
            #expect(json["id"] as? Int == 42)
            #expect(json["to"] as? String == "13800138000")
            #expect(json["text"] as? String == "验证码 123456")
            #expect(post.headers["idempotency-key"] == "42")
            #expect(post.headers["content-type"]?.hasPrefix("application/json") == true)
            let timestamp = try #require(post.headers["x-timestamp"].flatMap { Int64($0) })
            let nonce = try #require(post.headers["x-nonce"])
            #expect(
                post.headers["x-signature"]
                    == InboundSMSTests.sign(
                        String(decoding: post.body, as: UTF8.self), timestamp: timestamp, nonce: nonce, secret: secret))
        }
    }

    @Test func retriesTransientAnswersWithFreshNonces() async throws {
        try await WebhookReceiver.with(answers: [503, 429, 200]) { receiver, url in
            let gateway = WebhookSMSGateway(
                url: url, secret: Array("another-webhook-secret".utf8), firstBackoff: .milliseconds(10))
            try await gateway.send(to: "13800138000", masked: "138****8000", body: "hi", id: 7)
            let posts = receiver.posts
            #expect(posts.count == 3)
            #expect(Set(posts.compactMap { $0.headers["x-nonce"] }).count == 3)
            #expect(Set(posts.map(\.body)).count == 1)
        }
    }

    @Test(arguments: [400, 301, 302, 307, 308])
    func givesUpOnAFinalAnswerWithoutFollowingIt(status: Int) async throws {
        try await WebhookReceiver.with(answers: [status, 200]) { receiver, url in
            let gateway = WebhookSMSGateway(url: url, firstBackoff: .milliseconds(10))
            let error = await #expect(throws: WebhookSMSGateway.Failure.self) {
                try await gateway.send(to: "13800138000", masked: "138****8000", body: "hi", id: 1)
            }
            #expect(receiver.posts.count == 1)
            #expect(receiver.posts.allSatisfy { $0.path == "/sms" })
            let text = error.map { "\($0)" } ?? ""
            #expect(text.contains("HTTP \(status)"))
            #expect(text.contains("138****8000") && !text.contains("13800138000"))
        }
    }

    @Test func givesUpAfterItsTriesOnAnUnreachableOrSlowGateway() async throws {
        // Nothing listens: every try fails to connect (the client keeps trying until the timeout).
        let closedPort = try await WebhookReceiver.with(answers: []) { _, url in url }
        let unreachable = WebhookSMSGateway(
            url: closedPort, tries: 2, firstBackoff: .milliseconds(10), timeout: .milliseconds(500))
        await #expect(throws: WebhookSMSGateway.Failure.self) {
            try await unreachable.send(to: "13800138000", masked: "138****8000", body: "hi", id: 1)
        }
        // An answer slower than the timeout counts as a failure and is tried again.
        try await WebhookReceiver.with(answers: [200, 200], delay: .seconds(1)) { receiver, url in
            let slow = WebhookSMSGateway(
                url: url, tries: 2, firstBackoff: .milliseconds(10), timeout: .milliseconds(300))
            await #expect(throws: WebhookSMSGateway.Failure.self) {
                try await slow.send(to: "13800138000", masked: "138****8000", body: "hi", id: 1)
            }
            #expect(receiver.posts.count == 2)
        }
    }
}

/// A gateway stand-in: answers posts to `/sms` with the next status of its script (redirects
/// point at `/elsewhere`), after `delay`, and records every request it gets.
final class WebhookReceiver: Sendable {
    struct Post: Sendable {
        var path: String
        var headers: [String: String]
        var body: [UInt8]
    }

    private let state: Mutex<(answers: [Int], posts: [Post])>

    private init(answers: [Int]) {
        state = Mutex((answers, []))
    }

    var posts: [Post] { state.withLock { $0.posts } }

    /// Runs `body` with a receiver listening on a free loopback port, then stops it.
    static func with<T: Sendable>(
        answers: [Int], delay: Duration = .zero,
        _ body: (WebhookReceiver, URL) async throws -> T
    ) async throws -> T {
        let receiver = WebhookReceiver(answers: answers)
        let router = Router()
        router.post("/**") { request, context -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let status = receiver.state.withLock { state -> Int in
                state.posts.append(Post(path: request.uri.path, headers: headers, body: Array(buffer: bytes)))
                return state.answers.isEmpty ? 500 : state.answers.removeFirst()
            }
            try await Task.sleep(for: delay)
            var response = Response(status: HTTPResponse.Status(code: status))
            if (300..<400).contains(status) { response.headers[.location] = "/elsewhere" }
            return response
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        let group = ServiceGroup(services: [app], logger: app.logger)
        let task = Task { try await group.run() }
        var port = 0
        for await bound in ports {
            port = bound
            break
        }
        defer { task.cancel() }
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/sms"))
        let result = try await body(receiver, url)
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        return result
    }
}
