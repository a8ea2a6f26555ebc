import ArgumentParser
import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryPipeline

/// `itinerary cards`: feed files to cards offline, one JSON line per phone, sorted by number.
struct CardsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cards",
        abstract: "Compute cards at time T from feed files, offline (no database)."
    )

    // Optional to the parser, so that a mistyped option is reported as unknown before a missing --cells.
    @Option(help: "Cells CSV: mcc,mnc,lac,cell_id,adcode (required).")
    var cells: String?

    @Option(help: "Risk areas CSV: adcode,name,level,start,end.")
    var risk: String?

    @Option(help: "Close-contact CSV: msisdn,start,end.")
    var contacts: String?

    @Option(help: "Time T the cards are evaluated at (RFC 3339 or Unix seconds).", transform: parseTime)
    var at: Int64

    @Option(help: "Ingest clock for the future-record check (default: now).", transform: parseTime)
    var now: Int64?

    @Option(help: "Write the cards to this file instead of standard output; it appears only once complete.")
    var out: String?

    @Option(help: "Write rejected lines to this file (JSON lines); it appears only once complete.")
    var rejects: String?

    @OptionGroup var rules: RuleOptions
    @OptionGroup var feedLimits: FeedLimitOptions
    @OptionGroup var workerOptions: WorkerOptions

    @Argument(help: "Feed files or directories of them.")
    var feeds: [String]

    func run() throws {
        let places = PlaceDirectory(divisions: try Divisions.load(), countries: try Countries.load())
        guard let cells else { throw ValidationError("Missing expected argument '--cells <cells>'") }
        let cellTable = try CellTable.load(contentsOf: URL(fileURLWithPath: cells), directory: places)
        let areas = try risk.map { try RiskAreas.load(contentsOf: URL(fileURLWithPath: $0), directory: places) } ?? []
        let contactList = try contacts.map { try CloseContacts.load(contentsOf: URL(fileURLWithPath: $0)) } ?? .empty
        let job = OfflineCards(
            reader: FeedReader(directory: places, cells: cellTable),
            rules: CardRules(configuration: rules.configuration, risk: RiskMap(areas)),
            contacts: contactList, limits: feedLimits.limits, workers: workerOptions.workers)
        let rejectSink = try rejects.map { try RejectFile(path: $0) }
        let output = try OutputFile(path: out)
        let files = try FeedFileList.files(in: feeds)
        let progress = ProgressLine(unit: "files", total: files.count)
        let result = try job.run(files: files, at: at, now: now ?? SystemClock().now()) { reject in
            rejectSink?.write(reject)
        } fileDone: { records in
            progress.advance(records: records)
        } emit: { phone, card in
            output.append(card.jsonLine(phone: phone))
            output.append("\n")
        }
        progress.finish()
        try rejectSink?.finish()
        try output.finish()
        for (url, reason) in result.refused {
            printError(
                "refused \(DigitRunMasker.maskedFileName(url.lastPathComponent)): \(DigitRunMasker.masked(reason))")
        }
        printError(
            "files \(result.filesApplied) applied, \(result.refused.count) refused; \(result.counts.summary); cards \(result.cards)"
        )
        if !result.refused.isEmpty { throw ExitStatus.filesRefused }
    }
}

/// A line on standard error; a failure to write it has nowhere to be reported.
func printError(_ text: String) {
    try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8))
}
