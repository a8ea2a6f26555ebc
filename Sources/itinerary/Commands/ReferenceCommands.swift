import ArgumentParser
import Foundation
import ItineraryFeed
import ItineraryPipeline

/// A `<list> load FILE` command: parse the file, replace the list in force (history is kept).
protocol ReferenceLoadCommand: ParsableCommand {
    var store: StoreOptions { get }
    var file: String { get }
    /// Loads `url` into the store; returns what to report, e.g. "12 risk areas".
    func load(_ url: URL, into workspace: Workspace) throws -> String
}

extension ReferenceLoadCommand {
    func run() throws {
        let url = URL(fileURLWithPath: file)
        let workspace = try store.workspace()
        defer { workspace.shutdown() }
        let loaded = try load(url, into: workspace)
        printError("loaded \(loaded) from \(url.lastPathComponent)")
    }
}

/// `itinerary cells load FILE`.
struct CellsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cells", subcommands: [Load.self])

    struct Load: ReferenceLoadCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a cells CSV (mcc,mnc,lac,cell_id,adcode), replacing the current one.",
            discussion: """
                A table that moves existing cells to another city is refused, with the moves listed, \
                unless --allow-moves is given: records already applied keep the city they were applied \
                with, so until they leave the window a card can list the old city and the new one.
                """)
        @OptionGroup var store: StoreOptions
        @Flag(help: "Load the table even if it moves existing cells to another city.")
        var allowMoves = false
        @Argument var file: String

        func load(_ url: URL, into workspace: Workspace) throws -> String {
            let load = try workspace.loadingCells(from: url, replacing: true, allowingMoves: allowMoves)
            guard !load.moves.isEmpty else { return "\(load.count) cells" }
            return "\(load.count) cells, \(load.moves.count) moved to another city:\n"
                + CellMove.report(load.moves, places: workspace.places)
        }
    }
}

/// `itinerary risk load FILE`: cards follow the new list at once, without re-ingesting.
struct RiskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "risk", subcommands: [Load.self])

    struct Load: ReferenceLoadCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a risk-area CSV (adcode,name,level,start,end), replacing the current list.")
        @OptionGroup var store: StoreOptions
        @Argument var file: String

        func load(_ url: URL, into workspace: Workspace) throws -> String {
            "\(try workspace.loadRisk(from: url)) risk areas"
        }
    }
}

/// `itinerary contacts load FILE`: numbers are kept only as keys.
struct ContactsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "contacts", subcommands: [Load.self])

    struct Load: ReferenceLoadCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a close-contact CSV (msisdn,start,end), replacing the current list.")
        @OptionGroup var store: StoreOptions
        @Argument var file: String

        func load(_ url: URL, into workspace: Workspace) throws -> String {
            "\(try workspace.loadContacts(from: url)) close contacts"
        }
    }
}
