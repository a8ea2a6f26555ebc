import Foundation
import ItineraryCore
import ItineraryPostgres
import ItineraryService
import ItineraryStore
import ItineraryTestSupport
import Logging

/// A running server on a fresh scratch database with a manual clock and a recording gateway.
struct TestHarness: Sendable {
    let server: RunningLookupServer
    let client: HTTPClient
    /// The metrics listener (`/metrics`, loopback, a port of its own).
    let metrics: HTTPClient
    let clock: ManualClock
    let gateway: RecordingGateway
    let connectionString: String
    let lookup: LookupServer
    static let inboundSecret = Array("gateway secret for tests".utf8)

    /// Creates a scratch database with all migrations applied.
    static func migratedDatabase(label: String) throws -> String {
        let connectionString = try SharedTestDatabase.makeScratchDatabase(label: label)
        try Migrator(directory: Migrator.defaultDirectory()).migrate(PostgresConnection(connectionString))
        return connectionString
    }

    /// - Parameters:
    ///   - storeCards: cards from the pipeline's store (`StoreCardSource`) instead of the fixed
    ///     card, so every card read goes to PostgreSQL too.
    ///   - cardSource: another source of cards (over `storeCards`).
    static func start(
        label: String, connectionString: String? = nil, storeCards: Bool = false, cardSource: (any CardSource)? = nil,
        gateway: RecordingGateway = RecordingGateway(), logger: Logger = Logger(label: "itinerary.lookup"),
        configure: (inout ServiceConfiguration) -> Void = { _ in }
    ) async throws -> TestHarness {
        let database = try connectionString ?? migratedDatabase(label: label)
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("lookup-test-\(UUID().uuidString)")
            .path
        var configuration = ServiceConfiguration(stateDirectory: state, phoneKeyer: Fixtures.phoneKeyer)
        configuration.port = 0
        configuration.smsGateway = .custom(gateway)
        configuration.inboundSecret = inboundSecret
        // The test client (127.0.0.1) stands for a proxy: requests name their client in X-Forwarded-For.
        configuration.trustedProxies = TrustedProxies([AddressRange("127.0.0.0/8")!])
        configuration.outboxPollInterval = .milliseconds(20)
        configuration.metricsPort = 0
        configure(&configuration)
        let clock = ManualClock(Fixtures.start)
        let pool = DatabasePool(connectionString: database, configuration: configuration)
        let lookup = try LookupServer(
            configuration: configuration, pool: pool,
            cardSource: cardSource
                ?? (storeCards ? StoreCardSource(pool: pool) : FixedCardSource()),
            places: Fixtures.places, clock: clock, logger: logger
        )
        let server = try await lookup.start()
        return TestHarness(
            server: server, client: HTTPClient(port: server.port),
            metrics: HTTPClient(port: server.metricsPort ?? server.port), clock: clock, gateway: gateway,
            connectionString: database, lookup: lookup
        )
    }

    /// Runs `body` with a fresh server, stopping it afterwards.
    static func with(
        label: String, configure: (inout ServiceConfiguration) -> Void = { _ in },
        _ body: (TestHarness) async throws -> Void
    ) async throws {
        let harness = try await start(label: label, configure: configure)
        do {
            try await body(harness)
        } catch {
            await harness.server.stop()
            throw error
        }
        await harness.server.stop()
    }

    // MARK: API shortcuts

    func requestCode(_ phone: String, client: String = "10.0.0.1") async throws -> HTTPResult {
        try await self.client.post("/v1/otp", json: #"{"phone":"\#(phone)"}"#, headers: ["X-Forwarded-For": client])
    }

    func verify(
        _ phone: String, code: String, consent: Bool = true, client: String = "10.0.0.1"
    ) async throws -> HTTPResult {
        try await self.client.post(
            "/v1/itinerary", json: #"{"phone":"\#(phone)","code":"\#(code)","consent":\#(consent)}"#,
            headers: ["X-Forwarded-For": client]
        )
    }

    /// Requests a code and returns it as read from the gateway.
    func sendAndReadCode(_ phone: String, client: String = "10.0.0.1") async throws -> String {
        let before = gateway.all.count
        let response = try await requestCode(phone, client: client)
        guard response.status == 200 else { throw TestFailure("POST /v1/otp: \(response.status) \(response.text)") }
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let fresh = gateway.all.dropFirst(before).last {
                $0.phone == Phone(phone)!.digits && $0.body.contains("验证码")
            }
            if let fresh, let range = fresh.body.range(of: #"\d{6}"#, options: .regularExpression) {
                return String(fresh.body[range])
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("no code SMS for \(phone)")
    }

    func showAgain(token: String, client: String = "10.0.0.1") async throws -> HTTPResult {
        try await self.client.get(
            "/v1/itinerary", headers: ["Authorization": "Bearer \(token)", "X-Forwarded-For": client])
    }

    /// Signs in `phone` over the OTP flow: its card JSON (with the token).
    func signIn(_ phone: String, client: String = "10.0.0.1") async throws -> HTTPResult {
        let response = try await verify(phone, code: sendAndReadCode(phone, client: client), client: client)
        guard response.status == 200 else {
            throw TestFailure("POST /v1/itinerary: \(response.status) \(response.text)")
        }
        return response
    }

    /// The card code of the token's card.
    func cardCode(token: String, client: String = "10.0.0.1") async throws -> HTTPResult {
        try await self.client.get(
            "/v1/itinerary/code", headers: ["Authorization": "Bearer \(token)", "X-Forwarded-For": client])
    }

    /// What `POST /v1/attestation/verify` says of `attestation`.
    func verifyAttestation(_ attestation: String) async throws -> HTTPResult {
        try await client.post("/v1/attestation/verify", json: #"{"attestation":"\#(attestation)"}"#)
    }
}
