import ArgumentParser
import Foundation
import Hummingbird
import ItineraryCore
import ItineraryPipeline
import ItineraryService
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `itinerary stream`: the drop-directory daemon (docs/feed-format.md). The loop lives in
/// `ItineraryPipeline.StreamRunner`; this command runs it and `/metrics` as services
/// (swift-service-lifecycle) that SIGTERM/SIGINT shut down gracefully.
struct StreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Apply every whole feed file delivered into a drop directory, exactly once.",
        discussion: """
            Files are applied one at a time in delivery order, then moved to INBOX/processed/ (files \
            whose content was already ingested go there too); refused files end in INBOX/failed/. \
            Only whole files are taken: a file must stand unchanged for --settle seconds (or, with \
            --require-done-marker, also have NAME.done beside it), and one that changes before its \
            commit is rolled back and left in the inbox. Names starting with . or _, temporary \
            names (.tmp, .part, .partial, .filepart, .crdownload, ~, ...), .done markers and \
            subdirectories are ignored. SIGTERM or SIGINT stops after the files in hand (exit 0); a \
            kill at any moment, SIGKILL included, is safe to restart. With --once, the exit status \
            is 3 when files were refused, as with ingest (docs/operations.md, "Exit statuses").
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var rules: RuleOptions
    @OptionGroup var feedLimits: FeedLimitOptions
    @OptionGroup var workerOptions: WorkerOptions

    @Option(help: "The drop directory.")
    var inbox: String

    @Flag(help: "Apply the files waiting, then exit (cron style).")
    var once = false

    @Option(name: .customLong("metrics-port"), help: "Serve Prometheus metrics on this port at /metrics.")
    var metricsPort: Int?

    @Option(
        name: .customLong("metrics-host"),
        help: "Address the metrics endpoint binds (loopback unless asked: 0.0.0.0 for all).")
    var metricsHost = "127.0.0.1"

    @Option(name: .customLong("poll-interval"), help: "Milliseconds between listings of an empty inbox.")
    var pollInterval = 200

    @Option(name: .customLong("batch"), help: "Most files taken from one listing of the inbox.")
    var batch = 256

    @Option(help: "Most waiting files committed together in one transaction (1: a commit per file).")
    var filesPerCommit = 16

    @Option(
        help: """
            Seconds a file must stand unchanged (size, times, inode) before it is taken; 0 takes it \
            at once (for carriers that deliver only by atomic rename).
            """)
    var settle = FileSettling.defaultSettle.inSeconds

    @Flag(help: "Take a file only once its marker NAME.done stands beside it (the marker moves with the file).")
    var requireDoneMarker = false

    func validate() throws {
        guard pollInterval > 0 else { throw ValidationError("--poll-interval must be positive") }
        guard batch > 0 else { throw ValidationError("--batch must be positive") }
        guard filesPerCommit > 0 else { throw ValidationError("--files-per-commit must be positive") }
        guard settle >= 0, settle <= 86_400 else { throw ValidationError("--settle must be 0 to 86400 seconds") }
        if let metricsPort, !(0...65535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be 0-65535")
        }
    }

    func run() async throws {
        let logger = Logger(label: "itinerary.stream")
        let stop = StopSignal()
        let (store, overrides, limits, workers) = (
            store, rules.overrides, feedLimits.limits, workerOptions.workers
        )
        let watcher = InboxWatcher(
            inbox: URL(fileURLWithPath: inbox), batchLimit: batch, settle: .milliseconds(Int64(settle * 1000)),
            requireDoneMarker: requireDoneMarker)
        let options = StreamRunner.Options(
            once: once, pollInterval: .milliseconds(pollInterval), filesPerCommit: filesPerCommit)
        // Files refused into failed/ by this run; with --once they make the exit status 3, as in `ingest`.
        let refused = Mutex(0)
        // The loop blocks (libpq, file I/O): it runs on a thread of its own.
        let runner = BlockingService(stop: stop, onStop: { logger.notice("stopping after the files in hand") }) {
            let inboxLock = try InboxLock(inbox: watcher.inbox)
            let workspace = try store.workspace()
            defer { workspace.shutdown() }
            // A second daemon on the same store waits as a standby until the first one stops.
            let pipeline = try workspace.pipeline(
                rules: overrides, limits: limits,
                lock: .wait(poll: .seconds(1), cancelled: { stop.isRequested }), workers: workers)
            let runner = StreamRunner(
                pipeline: pipeline, watcher: watcher, inboxLock: inboxLock, options: options, stop: stop, logger: logger
            )
            let totals = try runner.run()
            refused.withLock { $0 = totals.refused }
            printError(totals.summary + "; phones \(pipeline.phoneCount)")
        }
        // The loop ending (`--once`, or after a stop) ends the group; the metrics server failing
        // to bind stops the loop.
        var services = [
            ServiceGroupConfiguration.ServiceConfiguration(
                service: runner, successTerminationBehavior: .gracefullyShutdownGroup)
        ]
        if let metricsPort {
            services.insert(
                .init(
                    service: Self.metricsServer(
                        registry: Self.bootstrapMetrics(), host: metricsHost, port: metricsPort, logger: logger)),
                at: 0)
        }
        try await ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        ).run()
        if once, refused.withLock({ $0 }) > 0 { throw ExitStatus.filesRefused }
    }

    /// Registers the Prometheus factory with swift-metrics, once per process.
    static func bootstrapMetrics() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[StreamMetrics.lagLabel] = StreamMetrics.lagBuckets
        MetricsSystem.bootstrap(factory)
        return registry
    }

    /// Serves `GET /metrics` (and `/healthz`) as a service; logs the URL once the port is bound.
    static func metricsServer(
        registry: PrometheusCollectorRegistry, host: String, port: Int, logger: Logger
    ) -> some Service {
        let router = Router()
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: registry.emitToString())))
        }
        router.get("/healthz") { _, _ in "ok\n" }
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                logger.info(
                    "metrics", metadata: ["url": "http://\(host):\(channel.localAddress?.port ?? port)/metrics"])
            },
            logger: Logger(label: "itinerary.stream.metrics"))
        return ClosureService {
            do {
                try await app.run()
            } catch {
                throw ListenError(error, host: host, port: port) ?? error
            }
        }
    }
}
