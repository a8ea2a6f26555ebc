import ArgumentParser
import Foundation
import ItineraryPipeline

/// Where the store is: `--database URL`, else `DATABASE_URL`/`PG*`, else the embedded cluster
/// under `--state` (default `.itinerary` in the current directory).
struct StoreOptions: ParsableArguments {
    @Option(help: "PostgreSQL connection URL or conninfo (default: DATABASE_URL, PG* variables, or the embedded cluster).")
    var database: String?

    @Option(help: "State directory: embedded cluster, secrets, keys.")
    var state: String = ProcessInfo.processInfo.environment["ITINERARY_STATE"] ?? ".itinerary"

    func workspace() throws -> Workspace {
        try Workspace(stateDirectory: URL(fileURLWithPath: state), databaseURL: database)
    }
}
