import ArgumentParser
import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryStore

/// `itinerary cells load FILE`: replace the cells in force (history kept).
struct CellsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cells", subcommands: [Load.self])

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load a cells CSV (mcc,mnc,lac,cell_id,adcode), replacing the current one.")
        @OptionGroup var store: StoreOptions
        @Argument var file: String

        func run() throws {
            let workspace = try store.workspace()
            let url = URL(fileURLWithPath: file)
            let count = try workspace.loadingCells(from: url, replacing: true)
            printError("loaded \(count) cells from \(url.lastPathComponent)")
        }
    }
}

/// `itinerary risk load FILE`: replace the risk list in force (history kept).
struct RiskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "risk", subcommands: [Load.self])

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load a risk-area CSV (adcode,name,level,start,end), replacing the current list.")
        @OptionGroup var store: StoreOptions
        @Argument var file: String

        func run() throws {
            let workspace = try store.workspace()
            let url = URL(fileURLWithPath: file)
            let areas = try RiskAreas.load(contentsOf: url, directory: workspace.places)
            try ReferenceStore(connection: try workspace.connect()).replaceRisk(areas, source: url.lastPathComponent)
            printError("loaded \(areas.count) risk areas from \(url.lastPathComponent)")
        }
    }
}

/// `itinerary contacts load FILE`: replace the close-contact list in force (numbers kept only as keys).
struct ContactsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "contacts", subcommands: [Load.self])

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load a close-contact CSV (msisdn,start,end), replacing the current list.")
        @OptionGroup var store: StoreOptions
        @Argument var file: String

        func run() throws {
            let workspace = try store.workspace()
            let url = URL(fileURLWithPath: file)
            let entries = try CloseContacts.parse(String(contentsOf: url, encoding: .utf8), file: url.lastPathComponent)
            try ReferenceStore(connection: try workspace.connect()).replaceContacts(
                entries.map { (workspace.keyer.key(for: $0.0), $0.1) }, source: url.lastPathComponent)
            printError("loaded \(entries.count) close contacts from \(url.lastPathComponent)")
        }
    }
}
