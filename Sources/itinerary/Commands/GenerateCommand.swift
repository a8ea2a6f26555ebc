import ArgumentParser
import Foundation
import ItinerarySimulation

/// `itinerary generate`: synthetic feeds and their cells, deterministic per seed.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write realistic synthetic feed files and the matching cells CSV."
    )

    @Option(help: "Number of phones.") var phones: Int = 300
    @Option(help: "Number of days.") var days: Int = 14
    @Option(help: "Random seed: the same seed writes the same bytes.") var seed: UInt64 = 1
    @Option(help: "First day (RFC 3339 or Unix seconds).", transform: parseTime)
    var start: Int64 = FeedGenerator.Options.defaultStart
    @Option(help: "Output directory.") var out: String

    func validate() throws {
        guard (1...100_000_000).contains(phones) else { throw ValidationError("--phones must be 1 to 100000000") }
        guard (1...3_660).contains(days) else { throw ValidationError("--days must be 1 to 3660") }
    }

    func run() throws {
        let generator = FeedGenerator(phones: phones, days: days, seed: seed, start: start)
        let progress = ProgressLine(unit: "days", total: days)
        let feed = try generator.write(to: URL(fileURLWithPath: out)) { _, lines in
            progress.advance(records: lines, cumulative: true)
        }
        progress.finish()
        printError(
            "wrote \(feed.files.count) files, \(feed.lines) lines for \(feed.phones.count) phones; cells: \(feed.cells.path)"
        )
    }
}
