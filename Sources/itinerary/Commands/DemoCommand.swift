import ArgumentParser
import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryPipeline
import ItineraryService
import ItineraryStore

/// `itinerary demo`: the whole product on the embedded default, for a newcomer.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start the embedded PostgreSQL, load Samples/, ingest its feeds and serve the lookup page."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var rules: RuleOptions
    @OptionGroup var service: ServiceOptions

    @Option(help: "The samples folder (default: the Samples/ installed beside the migrations, or the checkout's).")
    var samples: String?

    func run() async throws {
        let samples = try samples.map { URL(fileURLWithPath: $0) } ?? Self.findSamples()
        try await store.withWorkspace { workspace in
            try await BlockingThread.run { [rules] in try Self.load(samples, into: workspace, rules: rules) }
            let tryThese = try Self.samplePhones(samples)
            let host = service.host
            try await serve(workspace: workspace, rules: rules, service: service, defaultClock: .data) { port in
                printError(
                    """

                    lookup page: http://\(host):\(port)/
                    try \(tryThese.joined(separator: " or ")); the SMS code is printed below (console gateway).
                    cards are evaluated at the newest sample data time (--card-clock data). Ctrl-C stops.

                    """)
            }
        }
    }

    /// Loads the reference lists and ingests the sample feeds (blocking: libpq and file I/O).
    static func load(_ samples: URL, into workspace: Workspace, rules: RuleOptions) throws {
        printError(
            "database: \(workspace.database.embedded == nil ? "configured server" : "embedded cluster under \(workspace.stateDirectory.path)")"
        )
        try workspace.loadingCells(from: samples.appendingPathComponent("cells.csv"))
        try workspace.loadRisk(from: samples.appendingPathComponent("risk.csv"))
        try workspace.loadContacts(from: samples.appendingPathComponent("contacts.csv"))

        let pipeline = try workspace.pipeline(rules: rules.overrides)
        var counts = FileOutcomeCounts()
        var applied = 0
        try pipeline.ingest(try FeedFileList.files(in: [samples.appendingPathComponent("feeds").path])) { _, outcome in
            if case .applied(_, let fileCounts) = outcome {
                counts += fileCounts
                applied += 1
            }
        }
        printError("samples: \(applied) new files applied (\(counts.summary)); \(pipeline.phoneCount) phones")
    }

    /// Two numbers worth trying: one that went abroad, one with a starred city.
    static func samplePhones(_ samples: URL) throws -> [String] {
        let lines = try String(contentsOf: samples.appendingPathComponent("expected-cards.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        let picks = [#""color":"yellow""#, #""starred":true"#].compactMap { needle in
            lines.first { $0.contains(needle) }
        }
        return picks.compactMap { line in
            line.split(separator: "\"").dropFirst(3).first.map { "\($0)" }
        }
    }

    /// `Samples/` beside the migrations: in the install layout or the checkout.
    static func findSamples() throws -> URL {
        let sql = try Migrator.defaultDirectory()
        return sql.deletingLastPathComponent().appendingPathComponent("Samples")
    }
}
