import Foundation
import ItineraryCore
import ItineraryFeed
import ItinerarySimulation

/// Generated feed data for the benchmarks, made once per size by the project's own generator and
/// cached on disk (`$ITINERARY_BENCH_DATA`, default `/tmp/itinerary-bench-data`), then held in memory.
public struct BenchmarkDataSet: @unchecked Sendable {
    public struct Size: Sendable, CustomStringConvertible {
        public let phones: Int
        public let days: Int
        public init(phones: Int, days: Int) {
            self.phones = phones
            self.days = days
        }
        public var description: String { "\(phones / 1000)k phones x \(days) d" }
        /// Where the generated files are cached.
        public var directory: URL {
            let root = ProcessInfo.processInfo.environment["ITINERARY_BENCH_DATA"] ?? "/tmp/itinerary-bench-data"
            return URL(fileURLWithPath: root).appendingPathComponent("p\(phones)_d\(days)_s\(BenchmarkDataSet.seed)")
        }
    }

    /// The sizes every stage benchmark runs at.
    public static let sizes: [Size] = [
        Size(phones: 1_000, days: 7),
        Size(phones: 3_000, days: 14),
        Size(phones: 10_000, days: 14),
    ]
    public static let seed: UInt64 = 20_220_501

    public let size: Size
    /// Checked files in delivery order (each CSV kept in memory by its check).
    public let files: [FeedFile]
    /// The files' bytes as delivered, in the same order.
    public let compressed: [[UInt8]]
    public let reader: FeedReader
    /// End of the generated period: the `T` cards are evaluated at.
    public let end: Int64

    public var compressedBytes: Int { files.reduce(0) { $0 + $1.compressedBytes } }
    public var csvBytes: Int { files.reduce(0) { $0 + $1.decompressedBytes } }

    /// Loads (generating first if needed) the data set of `size`.
    public static func load(_ size: Size) throws -> BenchmarkDataSet {
        let directory = size.directory
        let feeds = directory.appendingPathComponent("feeds")
        let marker = directory.appendingPathComponent("complete")
        if !FileManager.default.fileExists(atPath: marker.path) {
            try? FileManager.default.removeItem(at: directory)
            _ = try FeedGenerator(phones: size.phones, days: size.days, seed: seed).write(to: directory)
            try Data().write(to: marker)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: feeds.path)
            .filter { $0.hasSuffix(FeedFileName.suffix) }
            .compactMap { FeedFileName($0) }
            .sorted()
        let files = try names.map { try FeedFile(contentsOf: feeds.appendingPathComponent($0.description)) }
        let compressed = try names.map { [UInt8](try Data(contentsOf: feeds.appendingPathComponent($0.description))) }
        let places = try PlaceDirectory.bundled()
        let cells = try CellTable.load(contentsOf: directory.appendingPathComponent("cells.csv"), directory: places)
        return BenchmarkDataSet(
            size: size, files: files, compressed: compressed, reader: FeedReader(directory: places, cells: cells),
            end: FeedGenerator.Options.defaultStart + Int64(size.days) * 86_400)
    }

    /// Every valid record, parsed once, per file: the engine benchmark's input.
    public func parsed() -> [[(Phone, Observation)]] {
        files.map { file in
            var records: [(Phone, Observation)] = []
            _ = try? reader.read(file, now: end) { item in
                if case let .record(phone, observation, _, _) = item { records.append((phone, observation)) }
            }
            return records
        }
    }

    /// Record lines (valid or not) in all files.
    public func recordLines() -> Int {
        files.reduce(0) { total, file in total + ((try? reader.read(file, now: end) { _ in }.records) ?? 0) }
    }
}

/// Times one pass and reports it as rates through custom metrics.
public struct Rate {
    public static func perSecond(_ count: Int, _ duration: Duration) -> Int {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds > 0 ? Int(Double(count) / seconds) : 0
    }
}
