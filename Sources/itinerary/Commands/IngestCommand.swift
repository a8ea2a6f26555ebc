import ArgumentParser
import Foundation
import ItineraryCore
import ItineraryPipeline

/// `itinerary ingest`: feed files into the store, exactly once, then a summary.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Apply feed files (in name order) to the store, each exactly once."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var rules: RuleOptions
    @OptionGroup var feedLimits: FeedLimitOptions
    @OptionGroup var workerOptions: WorkerOptions

    @Option(
        help: """
            Commit after about this many records (a batch of files is one transaction; each commit \
            rewrites the rows of every phone its files touched).
            """)
    var recordsPerCommit = IngestPipeline.defaultRecordsPerCommit

    @Argument(help: "Feed files or directories of them.")
    var feeds: [String]

    func run() throws {
        let workspace = try store.workspace()
        defer { workspace.shutdown() }
        let pipeline = try ExitStatus.mapWriterLock {
            try workspace.pipeline(
                configuration: rules.configuration, limits: feedLimits.limits, workers: workerOptions.workers)
        }
        var totals = FileOutcomeCounts()
        var applied = 0, skipped = 0, refused = 0
        let started = ContinuousClock.now
        let files = try FeedFileList.files(in: feeds)
        let progress = ProgressLine(unit: "files", total: files.count)
        try pipeline.ingest(files, recordsPerCommit: recordsPerCommit) { _, outcome in
            progress.advance(records: { if case .applied(_, let counts) = outcome { counts.records } else { 0 } }())
            switch outcome {
            case .applied(_, let counts):
                applied += 1
                totals += counts
            case .alreadyIngested(let name):
                skipped += 1
                printError("skipped \(name): already ingested")
            case .refused(let name, let reason, let movedTo):
                refused += 1
                printError("refused \(name): \(reason)" + (movedTo.map { " (moved to \($0))" } ?? ""))
            }
        }
        progress.finish()
        let seconds = (ContinuousClock.now - started).inSeconds
        let rate = seconds > 0 ? Int(Double(totals.records) / seconds) : 0
        printError(
            "files \(applied) applied, \(skipped) skipped, \(refused) refused; \(totals.summary); "
                + "phones \(pipeline.phoneCount); \(String(format: "%.2f", seconds)) s, \(rate) records/s")
        if refused > 0 { throw ExitStatus.filesRefused }
    }
}
