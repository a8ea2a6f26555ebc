import Foundation
import Hummingbird
import HummingbirdCore
import ItineraryCore
import ItineraryPostgres
import ItineraryStore
import Logging
import Metrics
import NIOCore
import ServiceLifecycle

/// The HTTP lookup service (docs/http-api.md): routes, the outbox sender and housekeeping.
///
/// ```swift
/// let pool = DatabasePool(connectionString: conninfo, configuration: config)   // one per process
/// let server = try LookupServer(configuration: config, pool: pool,
///                               cardSource: StoreCardSource(pool: pool), places: directory)
/// try await ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
/// // or: let running = try await server.start(); running.port; await running.stop()
/// ```
/// The server closes `pool` when it stops. The database must already carry `SQL/0003_lookup.sql`,
/// `0005_service_hardening.sql` and `0008_key_revocations.sql` (the migrator applies them).
public struct LookupServer: Service {
    public let configuration: ServiceConfiguration
    public let metrics: ServiceMetrics
    /// The raw Ed25519 public key venue terminals verify attestations with.
    public var attestationPublicKey: [UInt8] { service.keys.signer.publicKey }
    /// A verifier for this server's attestations, with the keys and withdrawals as last read
    /// (re-read every ``ServiceConfiguration/keyRefreshInterval`` while requests come).
    public var attestationVerifier: AttestationVerifier { service.keys.last.verifier }

    private let service: LookupService
    /// Closed when the server stops; `nil` for stores that need no pool.
    private let pool: DatabasePool?
    private let sealer: OutboxSealer
    private let logger: Logger

    /// Loads or creates the keys in `configuration.stateDirectory`; does not touch the network.
    public init(
        configuration: ServiceConfiguration,
        pool: DatabasePool,
        cardSource: any CardSource,
        places: PlaceDirectory,
        clock: any WallClock = SystemClock(),
        metrics: ServiceMetrics = ServiceMetrics(),
        logger: Logger = Logger(label: "itinerary.lookup")
    ) throws {
        let sealer = OutboxSealer(
            key: try configuration.outboxKey
                ?? SecretFile.loadOrCreate(
                    at: configuration.stateDirectory + "/outbox.key",
                    generate: { SecureRandom.bytes(32) },
                    validate: { $0.count == 32 }
                ))
        try self.init(
            configuration: configuration, stores: .postgres(pool: pool, sealer: sealer), sealer: sealer, pool: pool,
            cardSource: cardSource, places: places, clock: clock, metrics: metrics, logger: logger)
    }

    /// A server over any ``LookupStores`` (the unit tests' in-memory ones); it closes `pool`, if
    /// any, when it stops. `sealer` opens what `stores.outbox` sealed.
    init(
        configuration: ServiceConfiguration,
        stores: LookupStores,
        sealer: OutboxSealer,
        pool: DatabasePool?,
        cardSource: any CardSource,
        places: PlaceDirectory,
        clock: any WallClock,
        metrics: ServiceMetrics,
        logger: Logger
    ) throws {
        let secret =
            try configuration.serverSecret
            ?? SecretFile.loadOrCreate(
                at: configuration.stateDirectory + "/lookup-secret.key",
                generate: { SecureRandom.bytes(32) },
                validate: { $0.count >= 16 }
            )
        let signer =
            try configuration.attestationSigner
            ?? AttestationSigner.loadOrCreate(inDirectory: configuration.stateDirectory)
        self.sealer = sealer
        self.pool = pool
        service = LookupService(
            configuration: configuration, stores: stores, cardSource: cardSource,
            places: places,
            clock: clock, hasher: SecretHasher(secret: secret),
            keys: AttestationKeyRing(
                signer: signer, directory: configuration.stateDirectory,
                refreshInterval: configuration.keyRefreshInterval, codeLifetime: configuration.cardCodeLifetime,
                attestationLifetime: configuration.attestationLifetime),
            metrics: metrics, logger: logger,
            cardReads: LocalRateLimiter(
                limit: FixedWindowLimit(limit: configuration.clientLimits.cardReadsPerMinute, length: 60)),
            cards: CardCache(
                maxAge: min(configuration.cardReuse, configuration.attestationLifetime / 2).inWholeSeconds,
                checkInterval: configuration.cardChangeCheckInterval)
        )
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    /// Serves until the service group shuts down gracefully (or the task is cancelled).
    /// `onListening` gets the bound port once the socket listens.
    ///
    /// Runs the HTTP server, the metrics listener (when configured), the outbox sender and the
    /// purger of expired rows as one group: on graceful shutdown the server stops accepting and
    /// finishes the requests in hand, then the sender finishes the message in hand, then the
    /// purger stops.
    /// - Throws: ``ListenError`` when an address cannot be bound.
    public func run(onListening: @escaping @Sendable (Int) async -> Void) async throws {
        try await run(onListening: onListening, onMetricsListening: { _ in })
    }

    /// Serves until the service group shuts down gracefully.
    public func run() async throws {
        try await run(onListening: { _ in })
    }

    /// Starts serving in a background service group and returns once the ports are bound.
    public func start() async throws -> RunningLookupServer {
        let (ports, continuation) = AsyncStream<(Int, Bool)>.makeStream()
        let listening = ClosureService {
            try await run(
                onListening: { continuation.yield(($0, false)) }, onMetricsListening: { continuation.yield(($0, true)) }
            )
        }
        let group = ServiceGroup(services: [listening], logger: logger)
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var port: Int?
        var metricsPort: Int?
        for await (bound, isMetrics) in ports {
            if isMetrics { metricsPort = bound } else { port = bound }
            if let port, metricsPort != nil || configuration.metricsPort == nil {
                return RunningLookupServer(port: port, metricsPort: metricsPort, group: group, task: task)
            }
        }
        try await task.value
        throw CancellationError()
    }

    private func run(
        onListening: @escaping @Sendable (Int) async -> Void,
        onMetricsListening: @escaping @Sendable (Int) async -> Void
    ) async throws {
        let logger = self.logger
        let configuration = self.configuration
        let maxConnections = configuration.maxConnections ?? max(64, OpenFileLimit.raiseToHard() - 256)
        let connections = WaitingConnections(sheddingThreshold: maxConnections * 9 / 10)
        logger.info(
            "connection limits",
            metadata: [
                "max": "\(maxConnections)", "idle_timeout": "\(configuration.idleTimeout)",
                "body_timeout": "\(configuration.requestBodyTimeout)",
            ])
        let sender = OutboxSender(
            outbox: service.stores.outbox, sealer: sealer, gateway: configuration.smsGateway.makeGateway(),
            clock: service.clock,
            metrics: metrics,
            logger: logger, pollInterval: configuration.outboxPollInterval, maxAttempts: configuration.outboxMaxAttempts
        )
        let purger = ExpiredRowPurger(
            store: service.stores.maintenance, partners: service.stores.partners, clock: service.clock,
            policy: configuration.otp, logger: logger,
            partnerReadRetention: .seconds((configuration.windowDays + 1) * 86_400))
        var services: [any Service] = [purger, sender]
        if let metricsPort = configuration.metricsPort {
            services.append(
                MetricsListener(
                    host: configuration.metricsHost, port: metricsPort, logger: logger,
                    exposition: { [service] in await service.metricsText() }, onListening: onMetricsListening))
        }
        // Application runs its services and then the server in its own group, and shuts them
        // down in reverse order: the server first.
        let app = Application(
            router: makeRouter(),
            server: .http1(
                configuration: HTTP1Channel.Configuration(
                    additionalChannelHandlers: [
                        ConnectionShedHandler(connections: connections),
                        RequestArrivalHandler(bodyTimeout: configuration.requestBodyTimeout),
                    ],
                    idleTimeout: TimeAmount(configuration.idleTimeout)
                )),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), backlog: 1024,
                availableConnectionsDelegate: MaximumAvailableConnections(maxConnections, logger: logger)
            ),
            services: services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("lookup service listening", metadata: ["port": "\(port)"])
                await onListening(port)
            },
            logger: logger
        )
        defer { pool?.close() }
        do {
            // Hummingbird's MetricsMiddleware records through swift-metrics: bound here, its
            // metrics land in this server's registry, whatever the process bootstrapped.
            try await withMetricsFactory(metrics.factory) { try await app.run() }
        } catch let error as ListenError {
            throw error
        } catch {
            throw ListenError(error, host: configuration.host, port: configuration.port) ?? error
        }
    }

    /// The routes: the POST rules on the POST group, the gateway's signature on its callback's
    /// group, the Bearer token on the card group, a
    /// wrong method on a known path 405 (``RouteMethods``), and HEAD wherever GET is.
    /// `routes` notes every path and method (docs/openapi.yaml is checked against it).
    func makeRouter(routes: RouteMethods = RouteMethods()) -> Router<LookupRequestContext> {
        let router = Router(context: LookupRequestContext.self, options: .autoGenerateHeadEndpoints)
        let service = self.service
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(
            middleware: ErrorMiddleware(
                metrics: metrics, routes: routes, onDatabaseUnavailable: { service.cards.removeAll() }))
        let recording = MethodRecordingRouter(router: router, routes: routes)
        recording.get("/") { _, _ in IndexPage.response }
        recording.get("/verify") { _, _ in VerifyPage.response }
        recording.get("/healthz") { _, _ in service.health() }
        recording.get("/readyz") { _, _ in try await service.readiness() }
        recording.get("/v1/places") { _, _ in service.placeNames() }
        recording.get("/v1/attestation/key") { _, _ in try await service.attestationKey() }
        recording.get("/v1/attestation/keys") { _, _ in try await service.attestationKeys() }

        let posts = recording.group().add(middleware: SameOriginJSONMiddleware())
        posts.post("/v1/otp") { request, context in try await service.requestCode(request, context: context) }
        posts.post("/v1/itinerary") { request, context in try await service.verifyAndShow(request, context: context) }
        posts.post("/v1/attestation/verify") { request, context in
            try await service.verifyAttestation(request, context: context)
        }

        posts.group("/v1/sms/inbound").add(middleware: GatewaySignatureMiddleware(service: service))
            .post { request, context in try await service.receiveSMS(request, context: context) }

        let cards = recording.group("/v1/itinerary").add(middleware: BearerTokenMiddleware(service: service))
        cards.get { request, context in try await service.showAgain(request, context: context) }
        cards.get("code") { request, context in try await service.cardCode(request, context: context) }
        cards.get("partners") { request, context in try await service.partnerAudit(request, context: context) }
        cards.delete("partners/:client_id") { request, context in
            try await service.withdrawConsent(request, context: context)
        }

        // Lookup services (docs/partner-api.md): OAuth form bodies, then their own token.
        recording.post("/v1/oauth/token") { request, context in
            try await service.issuePartnerToken(request, context: context)
        }
        let partner = recording.group("/v1/partner").add(middleware: PartnerTokenMiddleware(service: service))
        let partnerPosts = partner.group().add(middleware: SameOriginJSONMiddleware())
        partnerPosts.post("otp") { request, context in try await service.partnerRequestCode(request, context: context) }
        partnerPosts.post("itinerary") { request, context in try await service.partnerVerify(request, context: context)
        }
        partner.get("itinerary") { request, context in try await service.partnerReadAgain(request, context: context) }
        return router
    }
}
