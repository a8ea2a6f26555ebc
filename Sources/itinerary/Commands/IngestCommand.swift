import ArgumentParser
import Foundation
import ItineraryCore
import ItineraryPipeline
import ItineraryStore

/// `itinerary ingest`: feed files into the store, exactly once, then a summary.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract:
            "Apply feed files to the store in delivery order (time in the name, carrier, sequence), each exactly once.",
        discussion: """
            Only whole files are applied: ingest waits until every file has stood unchanged for \
            --settle seconds, and a file that changes while it is read or before its commit is not \
            applied at all (it is left where it is, and ingest exits 1 once the other files are in: \
            run it again once the file is whole). In a directory, names starting with . or _ are \
            skipped.
            """
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

    @Option(help: "Seconds each file must stand unchanged (size, times, inode) before it is read; 0 reads at once.")
    var settle = FileSettling.defaultSettle.inSeconds

    @Flag(help: "Name every file as it is applied or skipped (by default only refused ones, then a summary).")
    var verbose = false

    @Argument(help: "Feed files or directories of them.")
    var feeds: [String]

    func validate() throws {
        guard settle >= 0, settle <= 86_400 else { throw ValidationError("--settle must be 0 to 86400 seconds") }
    }

    func run() throws {
        let workspace = try store.workspace()
        defer { workspace.shutdown() }
        let pipeline = try ExitStatus.mapWriterLock {
            try workspace.pipeline(
                rules: rules.overrides, limits: feedLimits.limits, workers: workerOptions.workers)
        }
        var totals = FileOutcomeCounts()
        var applied = 0, skipped = 0, refused = 0
        let started = ContinuousClock.now
        let files = try FeedFileList.files(in: feeds)
        var announced = false
        FileSettling(settle: .milliseconds(Int64(settle * 1000))).waitUntilSettled(files) { changing in
            if !announced { printError("waiting for \(changing.count) file(s) still changing to stand still") }
            announced = true
        }
        var deferred = 0
        let progress = ProgressLine(unit: "files", total: files.count)
        try pipeline.ingest(files, recordsPerCommit: recordsPerCommit) { _, outcome in
            progress.advance(records: { if case .applied(_, let counts) = outcome { counts.records } else { 0 } }())
            switch outcome {
            case .applied(let record, let counts):
                applied += 1
                totals += counts
                if verbose { printError("applied \(record.fileName): \(counts.summary)") }
            case .alreadyIngested(let name):
                skipped += 1
                if verbose { printError("skipped \(name): already ingested") }
            case .refused(let name, let reason, let movedTo):
                refused += 1
                printError("refused \(name): \(reason)" + (movedTo.map { " (moved to \($0))" } ?? ""))
            case .deferred(let name, let reason):
                deferred += 1
                printError("not applied \(DigitRunMasker.maskedFileName(name)): \(reason)")
            }
        }
        progress.finish()
        let seconds = (ContinuousClock.now - started).inSeconds
        let rate = seconds > 0 ? Int(Double(totals.records) / seconds) : 0
        printError(
            "files \(applied) applied, \(skipped) skipped (already ingested), \(refused) refused; \(totals.summary); "
                + "phones \(pipeline.phoneCount); \(String(format: "%.2f", seconds)) s, \(rate) records/s")
        if deferred > 0 {
            printError(
                "error: \(deferred) file(s) changed while they were read and were not applied: "
                    + "ingest them again once whole")
            throw ExitCode.failure
        }
        if refused > 0 { throw ExitStatus.filesRefused }
    }
}
