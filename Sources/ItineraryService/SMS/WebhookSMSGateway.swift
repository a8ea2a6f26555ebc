import Foundation
import FoundationNetworking
import ItineraryCore

#if canImport(FoundationNetworking)
#endif

/// Posts each message as JSON `{"id":…,"to":"13800138000","text":"…"}` to a URL. Transient
/// failures (network errors, 429, 5xx) are retried a few times with exponential backoff before
/// the outbox's own, longer backoff takes over. With a secret, each request is signed as inbound
/// callbacks are (`X-Timestamp`, `X-Nonce`, `X-Signature`; see ``GatewaySignature``), so the
/// gateway can refuse stale and replayed posts.
public struct WebhookSMSGateway: SMSGateway {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let url: URL
    private let secret: [UInt8]?
    private let tries: Int
    private let firstBackoff: Duration
    private let timeout: Duration

    public init(
        url: URL, secret: [UInt8]? = nil, tries: Int = 3, firstBackoff: Duration = .milliseconds(200),
        timeout: Duration = .seconds(5)
    ) {
        self.url = url
        self.secret = secret
        self.tries = max(1, tries)
        self.firstBackoff = firstBackoff
        self.timeout = timeout
    }

    public func send(to phone: String, masked: String, body: String, id: Int64) async throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.int("id", id)
        writer.string("to", phone)
        writer.string("text", body)
        writer.endObject()
        let payload = Data(writer.text.utf8)

        var request = URLRequest(url: url, timeoutInterval: timeout.inSeconds)
        request.httpMethod = "POST"
        request.setValue("application/json; charset=utf-8", forHTTPHeaderField: "Content-Type")
        request.setValue(String(id), forHTTPHeaderField: "Idempotency-Key")
        request.httpBody = payload

        let backoff = Backoff(first: firstBackoff, maximum: firstBackoff * 64)
        var lastError = "no attempt"
        for attempt in 1...tries {
            if let secret {
                // A fresh timestamp and nonce on every try: a retry is not a replay.
                let timestamp = SystemClock().now()  // the receiver checks freshness against real time
                let nonce = GatewaySignature.makeNonce()
                request.setValue(String(timestamp), forHTTPHeaderField: "X-Timestamp")
                request.setValue(nonce, forHTTPHeaderField: "X-Nonce")
                request.setValue(
                    GatewaySignature.sign(secret: secret, timestamp: timestamp, nonce: nonce, body: Array(payload)),
                    forHTTPHeaderField: "X-Signature"
                )
            }
            do {
                let status = try await Self.post(request)
                if (200..<300).contains(status) { return }
                lastError = "HTTP \(status)"
                guard status == 429 || status >= 500 else { break }  // a 4xx will not get better
            } catch {
                lastError = "\(error)"
            }
            if attempt < tries {
                try await Task.sleep(for: backoff.delay(afterFailures: attempt))
            }
        }
        throw Failure(description: "webhook \(url.absoluteString) failed for \(masked): \(lastError)")
    }

    private static func post(_ request: URLRequest) async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { _, response, error in
                if let error {
                    continuation.resume(throwing: error)
                } else {
                    continuation.resume(returning: (response as? HTTPURLResponse)?.statusCode ?? 0)
                }
            }.resume()
        }
    }
}
