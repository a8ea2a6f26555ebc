import ArgumentParser
import Foundation
import ItineraryPipeline
import ItineraryStore

/// `itinerary shards init`: makes one database the coordinator of shard stores.
struct ShardsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shards",
        abstract: "Set up a sharded store: a coordinator over shard databases (postgres_fdw).",
        subcommands: [Init.self]
    )

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Migrate every shard and make COORDINATOR present their phones as one store.",
            discussion: """
                Shards are given in shard order, as `split --shards N` numbers them. Run it again \
                to change the layout (the shards' data is not touched). Load cells, risk and \
                contact lists on every shard (their pipelines) and on the coordinator (lookups).
                """
        )

        @Option(help: "Connection URL or conninfo of the coordinator database.")
        var coordinator: String

        @Option(name: .customLong("shard"), help: "Connection URL or conninfo of a shard database (repeat, in order).")
        var shards: [String] = []

        @Option(help: "State directory for the phone-key secret (default: as for the store commands).")
        var state: String = StoreOptions.defaultState

        func validate() throws {
            guard !shards.isEmpty else { throw ValidationError("give at least one --shard") }
        }

        func run() throws {
            let stateDirectory = URL(fileURLWithPath: state)
            var tables: [String] = []
            for shard in shards {
                let connection = try Workspace(stateDirectory: stateDirectory, databaseURL: shard).connect()
                try ShardCoordinator.prepareShard(connection)
                if tables.isEmpty { tables = try ShardCoordinator.perPhoneTables(connection) }
            }
            let coordinator = try Workspace(stateDirectory: stateDirectory, databaseURL: coordinator).connect()
            try ShardCoordinator(connection: coordinator).initialize(shards: shards, tables: tables)
            printError("coordinator over \(shards.count) shards: \(tables.joined(separator: ", ")) and pipeline_state")
        }
    }
}
