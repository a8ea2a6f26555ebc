import Hummingbird
import Logging
import ServiceLifecycle

/// `GET /metrics` (Prometheus text) on a listener of its own — loopback by default — so the
/// public port never shows operational detail.
struct MetricsListener: Service {
    let host: String
    let port: Int
    let logger: Logger
    /// The exposition, as the service renders it.
    let exposition: @Sendable () async -> Response
    let onListening: @Sendable (Int) async -> Void

    func run() async throws {
        let router = Router(context: LookupRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: SecurityHeadersMiddleware())
        router.get("/metrics") { [exposition] _, _ in await exposition() }
        let (host, port, logger, onListening) = (host, port, logger, onListening)
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                logger.info("metrics listening", metadata: ["url": "http://\(host):\(bound)/metrics"])
                await onListening(bound)
            },
            logger: logger)
        do {
            try await app.run()
        } catch {
            throw ListenError(error, host: host, port: port) ?? error
        }
    }
}
