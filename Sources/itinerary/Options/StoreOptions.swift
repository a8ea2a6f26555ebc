import ArgumentParser
import Foundation
import ItineraryPipeline
import ItineraryStore

/// Where the store is: `--database URL`, else `DATABASE_URL`/`PG*`, else the embedded cluster
/// under `--state` (option, then environment, then default: ``ItinerarySettings``).
struct StoreOptions: ParsableArguments {
    @Option(
        help: "PostgreSQL connection URL or conninfo (default: DATABASE_URL, PG* variables, or the embedded cluster).")
    var database: String?

    @Option(
        help:
            "State directory: embedded cluster, secrets, keys (default: ITINERARY_STATE, else /var/lib/itinerary as root, else ./.itinerary)."
    )
    var state: String = StoreOptions.defaultState

    /// As root the cluster runs as the `postgres` user, which must reach the directory: a
    /// checkout under a private home would not do, so root keeps its state in /var/lib.
    static var defaultState: String {
        if let state = ItinerarySettings.process.stateDirectory { return state }
        return geteuid() == 0 ? "/var/lib/itinerary" : ".itinerary"
    }

    /// The store; `create: false` for read-only commands, which must never create a cluster.
    func workspace(create: Bool = true) throws -> Workspace {
        try Workspace(stateDirectory: URL(fileURLWithPath: state), databaseURL: database, create: create)
    }
}
