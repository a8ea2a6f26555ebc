import ArgumentParser
import Foundation
import ItineraryPipeline
import ItineraryStore

/// `itinerary rejects replay`: apply the rejected records a later reference load has fixed.
struct RejectsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejects",
        abstract: "Work with the rejects store.",
        subcommands: [Replay.self]
    )

    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Apply rejected records that a later cells load (or the clock) now allows.",
            discussion: """
                Records rejected as unknown_cell, unknown_mcc or future are kept with their parsed \
                fields. After loading the missing cells, this applies them as far as the lateness \
                rules allow, in one transaction: applied records leave the rejects store, records \
                now older than the watermark stay as `late`, unresolved ones stay as they were. \
                Running it again changes nothing.
                """
        )

        @OptionGroup var store: StoreOptions
        @OptionGroup var rules: RuleOptions

        func run() throws {
            let workspace = try store.workspace()
            defer { workspace.shutdown() }
            let outcome = try ExitStatus.mapWriterLock { try workspace.pipeline(rules: rules.overrides) }
                .replayRejects()
            printError(outcome.summary)
        }
    }
}
