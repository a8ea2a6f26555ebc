import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ItineraryCore
import ItineraryStore
import Logging
import Metrics
import Testing

@testable import ItineraryService

/// The unit tier's lookup service: its router over in-memory stores, a manual clock and fixed
/// cards, driven through HummingbirdTesting's router framework (`app.test(.router)`): no
/// socket, no PostgreSQL, no file. Requests come from a loopback proxy, as in ``TestHarness``,
/// and name their client in `X-Forwarded-For`.
struct RouterHarness: Sendable {
    let clock = ManualClock(Fixtures.start)
    let metrics = ServiceMetrics()
    let outbox: InMemoryOutboxStore
    let tokens = InMemoryTokenStore()
    let partners = InMemoryPartnerStore()
    let revocations = InMemoryKeyRevocationStore()
    let server: LookupServer

    /// - Parameter cards: the card source (every phone has the fixed card by default).
    init(
        cards: FixedCardSource = FixedCardSource(), logger: Logger = Logger(label: "itinerary.lookup"),
        configure: (inout ServiceConfiguration) -> Void = { _ in }
    ) throws {
        // No state directory: every secret is given, so nothing is read or written.
        var configuration = ServiceConfiguration(
            stateDirectory: "/nonexistent/itinerary-unit-tests", phoneKeyer: Fixtures.phoneKeyer)
        configuration.serverSecret = Array(repeating: 7, count: 32)
        configuration.outboxKey = Array(repeating: 9, count: 32)
        configuration.attestationSigner = .random()
        configuration.inboundSecret = TestHarness.inboundSecret
        configuration.trustedProxies = TrustedProxies([AddressRange("127.0.0.0/8")!])
        configure(&configuration)
        let sealer = OutboxSealer(key: configuration.outboxKey ?? [])
        outbox = InMemoryOutboxStore(sealer: sealer)
        let codes = InMemoryCodeStore(tokens: tokens, outbox: outbox)
        let rates = InMemoryRateCounterStore()
        let nonces = InMemoryNonceStore()
        let stores = LookupStores(
            codes: codes, tokens: tokens, outbox: outbox, rates: rates, nonces: nonces, revocations: revocations,
            maintenance: InMemoryStoreMaintenance(codes: codes, tokens: tokens, rates: rates, nonces: nonces),
            partners: partners)
        server = try LookupServer(
            configuration: configuration, stores: stores, sealer: sealer, pool: nil, cardSource: cards,
            places: Fixtures.places, clock: clock, metrics: metrics, logger: logger)
    }

    /// Runs `body` with a client of the router; the request metrics land in ``metrics``.
    /// `arriving` stands for the connection: what the router gets of each request.
    func test<Value: Sendable>(
        arriving: @escaping @Sendable (Request) -> Request = { $0 },
        _ body: @Sendable (RouterClient) async throws -> Value
    ) async throws -> Value {
        let app = Application(
            responder: LoopbackPeer(inner: server.makeRouter().buildResponder(), arriving: arriving))
        return try await withMetricsFactory(metrics.factory) {
            try await app.test(.router) { client in try await body(RouterClient(client: client, harness: self)) }
        }
    }

    /// The request counters of ``metrics`` whose labels contain `labels`: (line, count).
    func requestCounts(_ labels: String) -> [(String, Int)] {
        HTTPFaultTests.requestCounts(metrics.exposition(), labels)
    }
}

/// Stands for the loopback proxy the socket tests go through (the router framework's requests
/// have no socket peer), and for the connection's faults (``RouterHarness/test(arriving:_:)``).
private struct LoopbackPeer<Inner: HTTPResponder>: HTTPResponder where Inner.Context == LookupRequestContext {
    let inner: Inner
    let arriving: @Sendable (Request) -> Request

    func respond(to request: Request, context: LookupRequestContext) async throws -> Response {
        var context = context
        context.peerAddress = "127.0.0.1"
        return try await inner.respond(to: arriving(request), context: context)
    }
}

/// A client of ``RouterHarness``'s router with the API's shortcuts.
struct RouterClient: Sendable {
    let client: any TestClientProtocol
    let harness: RouterHarness

    func send(
        _ method: HTTPRequest.Method, _ path: String, json: String? = nil, headers: HTTPFields = [:],
        client address: String = "10.0.0.1"
    ) async throws -> TestResponse {
        var headers = headers
        headers[.xForwardedFor] = address
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await client.executeRequest(
            uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    func requestCode(_ phone: String, client address: String = "10.0.0.1") async throws -> TestResponse {
        try await send(.post, "/v1/otp", json: #"{"phone":"\#(phone)"}"#, client: address)
    }

    func verify(
        _ phone: String, code: String, consent: Bool = true, client address: String = "10.0.0.1"
    ) async throws -> TestResponse {
        try await send(
            .post, "/v1/itinerary", json: #"{"phone":"\#(phone)","code":"\#(code)","consent":\#(consent)}"#,
            client: address)
    }

    /// The code of the latest code SMS queued for `phone`, read from the in-memory outbox.
    func queuedCode(for phone: String) throws -> String {
        let digits = try #require(Phone(phone)).digits
        let sms = try #require(harness.outbox.queued.last { $0.phone.digits == digits && $0.kind == .otp })
        let range = try #require(sms.body.range(of: #"\d{6}"#, options: .regularExpression))
        return String(sms.body[range])
    }

    /// Signs `phone` in over the OTP flow: its token.
    func signIn(_ phone: String, client address: String = "10.0.0.1") async throws -> String {
        let sent = try await requestCode(phone, client: address)
        guard sent.status == .ok else { throw TestFailure("POST /v1/otp: \(sent.status) \(sent.text)") }
        let card = try await verify(phone, code: queuedCode(for: phone), client: address)
        guard card.status == .ok, let token = card.json["token"] as? String else {
            throw TestFailure("POST /v1/itinerary: \(card.status) \(card.text)")
        }
        return token
    }

    /// `GET path` with `Authorization: <scheme> <token>`.
    func withToken(
        _ token: String, _ path: String = "/v1/itinerary", scheme: String = "Bearer", method: HTTPRequest.Method = .get,
        client address: String = "10.0.0.1"
    ) async throws -> TestResponse {
        try await send(method, path, headers: [.authorization: "\(scheme) \(token)"], client: address)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
}
