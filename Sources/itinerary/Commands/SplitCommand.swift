import ArgumentParser
import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryPipeline
import ItineraryStore

/// `itinerary split`: fans feed files out into one file per shard, for a sharded deployment.
struct SplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split feed files by phone into OUT/<shard>/ for sharded pipelines (no database).",
        discussion: """
            Each file gives one file of the same name per shard, written by atomic rename, each \
            carrying the whole file's newest valid event time so every shard's lateness matches \
            a single node's. Phones are keyed with the store's phone-key secret: \
            ITINERARY_PHONE_KEY_SECRET, --secret-file, or <state>/phone-key.secret. Only whole \
            files are split: each must stand unchanged for --settle seconds, and a file that \
            changes while it is read gives no part (split exits 1: run it again once it is whole).
            """
    )

    @Option(help: "Number of shards.")
    var shards: Int

    @Option(help: "Output directory: parts go to OUT/0/, OUT/1/, … (each a shard's inbox).")
    var out: String

    // Optional to the parser, so that a mistyped option is reported as unknown before a missing --cells.
    @Option(help: "Cells CSV the shards have loaded: mcc,mnc,lac,cell_id,adcode (required).")
    var cells: String?

    @Option(help: "Clock for the future-record check (default: now); RFC 3339 or Unix seconds.", transform: parseTime)
    var now: Int64?

    @Option(help: "zstd level of the parts (negative: zstd's --fast levels, cheaper and larger).")
    var level = 1

    @Option(
        help: "File holding the phone-key secret (default: ITINERARY_PHONE_KEY_SECRET, else <state>/phone-key.secret).")
    var secretFile: String?

    @Option(help: "State directory whose phone-key.secret to use (default: as for the store commands).")
    var state: String = StoreOptions.defaultState

    @Option(help: "Seconds each file must stand unchanged (size, times, inode) before it is read; 0 reads at once.")
    var settle = FileSettling.defaultSettle.inSeconds

    @OptionGroup var feedLimits: FeedLimitOptions

    @Argument(help: "Feed files or directories of them.")
    var feeds: [String]

    func validate() throws {
        guard (1...65_536).contains(shards) else { throw ValidationError("--shards must be 1 to 65536") }
        guard (-7...19).contains(level), level != 0 else {
            throw ValidationError("--level must be -7 to -1 or 1 to 19")
        }
        guard settle >= 0, settle <= 86_400 else { throw ValidationError("--settle must be 0 to 86400 seconds") }
    }

    func run() throws {
        guard let cells else { throw ValidationError("Missing expected argument '--cells <cells>'") }
        let places = PlaceDirectory(divisions: try Divisions.load(), countries: try Countries.load())
        let cellTable = try CellTable.load(contentsOf: URL(fileURLWithPath: cells), directory: places)
        let secret = try Secrets.existingPhoneKeySecret(
            stateDirectory: URL(fileURLWithPath: state), file: secretFile.map { URL(fileURLWithPath: $0) })
        let splitter = FeedSplitter(
            reader: FeedReader(directory: places, cells: cellTable), keyer: PhoneKeyer(secret: secret),
            shards: PhoneShards(count: shards), limits: feedLimits.limits, level: level)
        let output = URL(fileURLWithPath: out)
        let files = try FeedFileList.files(in: feeds)
        FileSettling(settle: .milliseconds(Int64(settle * 1000))).waitUntilSettled(files)
        let progress = ProgressLine(unit: "files", total: files.count)
        let clock = now ?? Int64(Date().timeIntervalSince1970)
        var perShard = [Int](repeating: 0, count: shards)
        var split = 0
        var refused = 0
        var changed = 0
        for url in files {
            switch try splitter.split(url, into: output, now: clock) {
            case let .split(records, _):
                for (index, count) in records.enumerated() { perShard[index] += count }
                split += 1
                progress.advance(records: records.reduce(0, +))
            case let .refused(reason):
                printError(
                    "refused \(DigitRunMasker.maskedFileName(url.lastPathComponent)): \(DigitRunMasker.masked(reason))"
                        + " (copied to shard 0, which records it)")
                refused += 1
                progress.advance(records: 0)
            case let .changed(reason):
                printError("not split \(DigitRunMasker.maskedFileName(url.lastPathComponent)): \(reason)")
                changed += 1
                progress.advance(records: 0)
            }
        }
        progress.finish()
        printError(
            "files \(split) split, \(refused) refused; records \(perShard.reduce(0, +)) "
                + "(per shard \(perShard.map(String.init).joined(separator: " ")))")
        if changed > 0 {
            printError(
                "error: \(changed) file(s) changed while they were read and were not split: split them again once whole"
            )
            throw ExitCode.failure
        }
        if refused > 0 { throw ExitStatus.filesRefused }
    }
}
