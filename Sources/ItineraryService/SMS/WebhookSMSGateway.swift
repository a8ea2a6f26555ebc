import AsyncHTTPClient
import Foundation
import ItineraryCore
import NIOCore
import NIOHTTP1

/// Posts each message as JSON `{"id":…,"to":"13800138000","text":"…"}` to a URL. Transient
/// failures (network errors, timeouts, 429, 5xx) are retried a few times with the one
/// ``Backoff`` before the outbox's own, longer backoff takes over; any other answer, a redirect
/// included, is final. With a secret, each request is signed as inbound callbacks are
/// (`X-Timestamp`, `X-Nonce`, `X-Signature`; see ``GatewaySignature``), so the gateway can refuse
/// stale and replayed posts.
public struct WebhookSMSGateway: SMSGateway {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The process's client for webhooks, on NIO's shared event loops like the server: it never
    /// follows a redirect (a message carries a phone number: it goes to the configured URL or
    /// nowhere) and gives up connecting after 5 s. Never shut down: it lives as long as the process.
    public static let defaultClient = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: HTTPClient.Configuration.Timeout(connect: .seconds(5))))

    private let url: URL
    private let secret: [UInt8]?
    private let client: HTTPClient
    private let tries: Int
    private let backoff: Backoff
    private let timeout: Duration

    /// - Parameters:
    ///   - tries: posts per message before it goes back to the outbox.
    ///   - firstBackoff: the pause after the first failed post, doubling after each further one.
    ///   - timeout: the longest one post may take, answer included.
    public init(
        url: URL, secret: [UInt8]? = nil, client: HTTPClient = WebhookSMSGateway.defaultClient, tries: Int = 3,
        firstBackoff: Duration = .milliseconds(200), timeout: Duration = .seconds(5)
    ) {
        self.url = url
        self.secret = secret
        self.client = client
        self.tries = max(1, tries)
        self.backoff = Backoff(first: firstBackoff, maximum: firstBackoff * 64)
        self.timeout = timeout
    }

    public func send(to phone: String, masked: String, body: String, id: Int64) async throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.int("id", id)
        writer.string("to", phone)
        writer.string("text", body)
        writer.endObject()
        let payload = Array(writer.text.utf8)

        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "Idempotency-Key", value: String(id))
        request.body = .bytes(ByteBuffer(bytes: payload))

        var lastError = "no attempt"
        for attempt in 1...tries {
            if let secret {
                // A fresh timestamp and nonce on every try: a retry is not a replay.
                let timestamp = SystemClock().now()  // the receiver checks freshness against real time
                let nonce = GatewaySignature.makeNonce()
                request.headers.replaceOrAdd(name: "X-Timestamp", value: String(timestamp))
                request.headers.replaceOrAdd(name: "X-Nonce", value: nonce)
                request.headers.replaceOrAdd(
                    name: "X-Signature",
                    value: GatewaySignature.sign(secret: secret, timestamp: timestamp, nonce: nonce, body: payload))
            }
            do {
                let status = try await post(request)
                if (200..<300).contains(status) { return }
                lastError = "HTTP \(status)"
                guard status == 429 || status >= 500 else { break }  // a 4xx or a redirect will not get better
            } catch {
                lastError = "\(error)"
            }
            if attempt < tries {
                try await Task.sleep(for: backoff.delay(afterFailures: attempt))
            }
        }
        throw Failure(description: "webhook \(url.absoluteString) failed for \(masked): \(lastError)")
    }

    /// One post: the answer's status, once its body has been read and dropped so the connection
    /// can be reused; past 64 KiB the rest is not waited for (the connection is closed instead).
    private func post(_ request: HTTPClientRequest) async throws -> Int {
        let response = try await client.execute(request, timeout: TimeAmount(timeout))
        var drained = 0
        for try await chunk in response.body {
            drained += chunk.readableBytes
            if drained > 64 * 1024 { break }
        }
        return Int(response.status.code)
    }
}
