import ArgumentParser
import Foundation
import ItineraryCore
import ItineraryPipeline
import ItineraryPostgres
import ItineraryService
import ItineraryStore
import Logging
import ServiceLifecycle
import UnixSignals

/// `itinerary serve`: the HTTP lookup service over the store.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve cards over HTTP after SMS verification, with the lookup page at /."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var rules: RuleOptions
    @OptionGroup var service: ServiceOptions

    func run() async throws {
        try await store.withWorkspace(create: false) { workspace in
            try await serve(workspace: workspace, rules: rules, service: service, defaultClock: .wall) { port in
                printError("lookup service on http://\(service.host):\(port)/")
            }
        }
    }
}

/// Runs the lookup service until SIGINT or SIGTERM shuts it down gracefully, then returns (so
/// the caller can stop the embedded cluster cleanly).
func serve(
    workspace: Workspace, rules: RuleOptions, service: ServiceOptions, defaultClock: CardClock,
    onListening: @escaping @Sendable (Int) async -> Void
) async throws {
    let rules = try workspace.ruleConfiguration(rules.overrides, recording: false)
    let configuration = try service.configuration(
        workspace: workspace, windowDays: Int(rules.window / 86_400), defaultClock: defaultClock)
    // One pool for the process: the service's own state and the cards share its connections.
    let pool = DatabasePool(connectionString: workspace.connectionString, configuration: configuration)
    let server = try LookupServer(
        configuration: configuration, pool: pool,
        cardSource: StoreCardSource(pool: pool),
        places: workspace.places)
    let group = ServiceGroup(
        services: [ClosureService { try await server.run(onListening: onListening) }],
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: Logger(label: "itinerary.serve"))
    try await group.run()
    printError("stopped")
}
