import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryPostgres
import ItinerarySimulation
import ItineraryStore
import ItineraryTestSupport
import ItineraryTestTags
import PropertyBased
import Testing

@testable import ItineraryPipeline

/// `--workers N`: the same cards, summary, rejects (in order, with their line numbers) and late
/// records as one worker, for any N and however each file's work is cut.
@Suite(.tags(.integration), .serialized) struct WorkersTests {
    /// A generated feed, and beside it the files that make a run awkward.
    struct AwkwardFeed {
        let feed: GeneratedFeed
        let directory: URL
        /// Good records, duplicates of other files' records, blank and CRLF lines, and lines with
        /// every kind of fault, past the first day so that none is late in delivery order.
        let mixed: URL
        let truncated: URL
        let badName: URL
        /// An early file's records in a file of other bytes: late when delivered last.
        let lateCopy: URL

        init(phones: Int = 30, days: Int = 3, seed: UInt64 = 5) throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "itinerary-workers-\(UUID().uuidString.prefix(8))")
            try self.init(
                feed: try FeedGenerator(phones: phones, days: days, seed: seed).write(
                    to: directory.appendingPathComponent("generated")),
                directory: directory)
        }

        init(feed: GeneratedFeed, directory: URL) throws {
            self.feed = feed
            self.directory = directory
            let cell = try String(contentsOf: feed.cells, encoding: .utf8).split(separator: "\n")[1].split(
                separator: ",")
            let cellFields = "\(cell[0]),\(cell[1]),\(cell[2]),\(cell[3])"
            let time = feed.start + 86_400 + 7200
            let source = feed.files[feed.files.count / 2]
            let copied = try ZstdDecompressor.decompress([UInt8](Data(contentsOf: source)))
            // Named no earlier than the file its records come from: none is after its name time.
            let mixedTime = max(time, FeedFileName(source.lastPathComponent)!.time)
            var lines = String(decoding: copied, as: UTF8.self).split(separator: "\n").dropFirst().prefix(40).map {
                String($0)
            }
            lines += [
                "", "13800138000,\(time),\(cellFields),lu\r", "13800138000,\(time),\(cellFields),lu",
                "13800138000,\(time + 60),\(cellFields)", "1380013800x,\(time),\(cellFields),lu",
                "13800138000,soon,\(cellFields),lu", "13800138000,\(time),4600,00,1,1,lu",
                "13800138000,\(time),460,0,1,1,lu", "13800138000,\(time),460,00,99999999,1,lu",
                "13800138000,\(time),460,00,1,999999999999,lu", "13800138000,\(time),\(cellFields),fly",
                "13800138000,4000000000,\(cellFields),lu", "13800138000,\(time),460,00,1,1,lu",
                "13800138000,\(time),999,00,1,1,lu", "13800138000,\(time),440,10,1,1,call",
                "13800138000,\(mixedTime + 3601),\(cellFields),lu", String(repeating: "x", count: 300),
            ]
            var random = Xoshiro256(seed: 7)
            lines.shuffle(using: &random)
            let csv = "msisdn,event_time,mcc,mnc,lac,cell_id,event\n" + lines.joined(separator: "\n") + "\n"
            mixed = directory.appendingPathComponent(
                FeedFileName(carrier: .cbn, time: mixedTime, sequence: 77).description)
            try Data(ZstdCompressor.compress(Array(csv.utf8))).write(to: mixed)
            let good = try Data(contentsOf: feed.files[0])
            truncated = directory.appendingPathComponent(
                FeedFileName(carrier: .ctcc, time: time, sequence: 78).description)
            try good.prefix(good.count - 3).write(to: truncated)
            badName = directory.appendingPathComponent("feed.csv.zst")
            try good.write(to: badName)
            lateCopy = directory.appendingPathComponent(
                FeedFileName(carrier: .cbn, time: feed.start, sequence: 79).description)
            try (good + ZstdCompressor.compress([10])).write(to: lateCopy)
        }

        /// A random delivery: a subset of the files in delivery order with neighbours swapped,
        /// the awkward files among them, an early file again in the middle (duplicates offline,
        /// already ingested for the store) and the late copy at the end.
        func delivery(seed: Int) -> [URL] {
            var random = Xoshiro256(seed: UInt64(seed))
            var order = FeedFileList.sorted(feed.files.filter { _ in random.next() % 5 != 0 } + [mixed])
            for index in stride(from: 1, to: order.count, by: 2) where random.next() % 3 == 0 {
                order.swapAt(index - 1, index)
            }
            let early = feed.files[Int(random.next() % 8)]
            order.insert(early, at: order.count / 2)
            order.insert(truncated, at: Int(random.next() % UInt64(order.count)))
            return order + [badName, lateCopy]
        }
    }

    /// What an offline run hands on, in the order it hands it on.
    struct OfflineRun: Equatable {
        var cards: [String] = []
        var rejects: [FeedReject] = []
        var counts = FileOutcomeCounts()
        var applied = 0
        var refused: [String] = []
    }

    static func offline(
        _ files: [URL], feed: AwkwardFeed, workers: Int, sizes: FeedApplier<PhoneNumberNaming>.Sizes = .init(),
        limits: FeedLimits = .standard
    ) throws -> OfflineRun {
        let places = PlaceDirectory(divisions: try Divisions.load(), countries: try Countries.load())
        let reader = FeedReader(
            directory: places, cells: try CellTable.load(contentsOf: feed.feed.cells, directory: places))
        var job = OfflineCards(reader: reader, rules: CardRules(), limits: limits, workers: workers)
        job.sizes = sizes
        var run = OfflineRun()
        let result = try job.run(files: files, at: feed.feed.end + 3600, now: feed.feed.end) { reject in
            run.rejects.append(reject)
        } emit: { phone, card in
            run.cards.append(card.jsonLine(phone: phone))
        }
        run.counts = result.counts
        run.applied = result.filesApplied
        run.refused = result.refused.map { "\($0.0.lastPathComponent) \($0.1)" }
        return run
    }

    @Test func offlineRunsEqualOneWorkerForAnyWorkersPieceSizesAndHeldRecords() async throws {
        let feed = try AwkwardFeed()
        await propertyCheck(
            count: 12, input: Gen.int(in: 0...1_000_000), Gen.int(in: 2...8), Gen.int(in: 1...20_000),
            Gen.int(in: 1...3000)
        ) { seed, workers, pieceBytes, streamBatch in
            do {
                let files = feed.delivery(seed: seed)
                // Half the runs read every file as a stream, as files past the in-memory size are.
                let limits = seed % 2 == 0 ? FeedLimits.standard : FeedLimits(inMemoryBytes: 0)
                let single = try Self.offline(files, feed: feed, workers: 1, limits: limits)
                // Each record applied as it comes, as an engine without held records would.
                let stepwise = try Self.offline(
                    files, feed: feed, workers: 1, sizes: .init(heldRecords: 1), limits: limits)
                #expect(stepwise == single, "seed \(seed): records applied one by one")
                // The engine settles every so many records: mid-file, across files, or only at the end.
                let heldRecords = [1, streamBatch, 1 << 19][seed % 3]
                let sizes = FeedApplier<PhoneNumberNaming>.Sizes(
                    pieceBytes: pieceBytes...(pieceBytes * 3), streamBatch: streamBatch, heldRecords: heldRecords)
                let parallel = try Self.offline(files, feed: feed, workers: workers, sizes: sizes, limits: limits)
                #expect(
                    parallel == single,
                    "seed \(seed), \(workers) workers, pieces of \(pieceBytes) bytes, settled every \(heldRecords)")
                #expect(single.counts.late > 0 && single.counts.duplicates > 0 && single.refused.count == 2)
                #expect(single.counts.rejected.count >= 10)
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    @Test func inMemoryAndStreamedFilesGiveTheSameRejectLineNumbers() throws {
        let feed = try AwkwardFeed(phones: 10, days: 2)
        let files = feed.delivery(seed: 3)
        let kept = try Self.offline(files, feed: feed, workers: 3, sizes: .init(pieceBytes: 1...1))
        let streamed = try Self.offline(files, feed: feed, workers: 3, limits: FeedLimits(inMemoryBytes: 0))
        #expect(kept == streamed)
        // The mixed file's first line after the header is line 2, whatever piece it fell in.
        let mixed = kept.rejects.filter { $0.file == feed.mixed.lastPathComponent }
        #expect(mixed.map(\.line) == mixed.map(\.line).sorted() && mixed.allSatisfy { $0.line >= 2 })
        #expect(mixed.count >= 12)
    }

    @Test func junkFilesGiveTheSameOutputWithSeveralWorkers() throws {
        let feed = try AwkwardFeed(phones: 10, days: 2)
        let feeds = feed.directory.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        for url in feed.feed.files {
            try FileManager.default.copyItem(at: url, to: feeds.appendingPathComponent(url.lastPathComponent))
        }
        _ = try JunkFiles(directory: feeds, time: feed.feed.start)
        func arguments(_ workers: Int) -> [String] {
            [
                "cards", "--cells", feed.feed.cells.path, "--at", "2022-05-04T00:00:00Z", "--now",
                "2022-05-04T00:00:00Z", "--max-file-bytes", "100000000", "--rejects",
                feed.directory.appendingPathComponent("rejects-\(workers).jsonl").path, "--workers", "\(workers)",
                feeds.path,
            ]
        }
        func run(_ workers: Int) throws -> (status: Int32, stdout: String, stderr: String, rejects: String) {
            let result = try PipelineHarness.run(PipelineHarness.executable, arguments(workers))
            let rejects = feed.directory.appendingPathComponent("rejects-\(workers).jsonl")
            return (result.status, result.stdout, result.stderr, try String(contentsOf: rejects, encoding: .utf8))
        }
        let single = try run(1)
        let parallel = try run(3)
        #expect(single.status == 3, "\(single.stderr)")
        #expect(parallel.status == single.status)
        #expect(parallel.stdout == single.stdout && !single.stdout.isEmpty)
        #expect(parallel.stderr == single.stderr)
        #expect(parallel.rejects == single.rejects)
        #expect(single.rejects.contains("line_too_long"))
        // The next file is checked while this one is applied: memory stays at two files in hand.
        let measured = try ChildProcess.run(arguments(3))
        #expect(measured.status == 3)
        #expect(measured.peakMemoryBytes < 200 << 20, "peak RSS \(measured.peakMemoryBytes >> 20) MiB")
    }

    // MARK: The store

    /// Copies `files` into a fresh directory (refused ones are moved aside from there).
    static func copies(_ files: [URL], into directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var seen = Set<String>()
        for url in files where seen.insert(url.lastPathComponent).inserted {
            try FileManager.default.copyItem(at: url, to: directory.appendingPathComponent(url.lastPathComponent))
        }
        return files.map { directory.appendingPathComponent($0.lastPathComponent) }
    }

    /// What the store holds after a run, in a stable order.
    static func stored(_ workspace: Workspace, harness: PipelineHarness) throws -> [String] {
        let connection = try workspace.connect()
        let ledger = try connection.execute(
            """
            SELECT file_name || ' ' || records || ' ' || accepted || ' ' || duplicates || ' ' || late || ' '
                || rejected || ' ' || coalesce(watermark, 0) || ' ' || coalesce(newest_event, 0)
            FROM ingest_files ORDER BY id
            """
        ).rows { $0.string(0)! }
        let rejects = try connection.execute(
            "SELECT file_name || ' ' || line || ' ' || reason || ' ' || raw FROM rejects ORDER BY file_name, line, reason, raw"
        ).rows { $0.string(0)! }
        let refused = try connection.execute("SELECT file_name || ' ' || reason FROM refused_files ORDER BY id")
            .rows { $0.string(0)! }
        let cards = try harness.storeCards(workspace).sorted { $0.key < $1.key }.map(\.value)
        return ledger + rejects + refused + cards
    }

    @Test func ingestWithSeveralWorkersStoresWhatOneWorkerStores() async throws {
        let harness = try PipelineHarness(label: "workers", phones: 30, days: 3)
        let feed = try AwkwardFeed(feed: harness.feed, directory: harness.directory)
        await propertyCheck(count: 2, input: Gen.int(in: 0...1_000_000), Gen.int(in: 2...8)) { seed, workers in
            do {
                var stored: [[String]] = []
                for count in [1, workers] {
                    let workspace = try Workspace(
                        stateDirectory: harness.stateDirectory,
                        databaseURL: try SharedTestDatabase.makeScratchDatabase(label: "workers\(count)"))
                    try workspace.loadingCells(from: harness.feed.cells)
                    let files = try Self.copies(
                        feed.delivery(seed: seed),
                        into: harness.directory.appendingPathComponent("run-\(seed)-\(count)"))
                    let pipeline = try workspace.pipeline(configuration: .standard, workers: count)
                    try pipeline.ingest(files, recordsPerCommit: seed % 3000) { _, _ in }
                    stored.append(try Self.stored(workspace, harness: harness))
                }
                #expect(stored[1] == stored[0], "seed \(seed), \(workers) workers")
                #expect(stored[0].contains { $0.contains(" late ") })
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    @Test func streamWithSeveralWorkersEqualsTheOfflineCards() throws {
        let harness = try PipelineHarness(label: "streamworkers", phones: 30, days: 2)
        let workspace = try harness.workspace()
        let watcher = try harness.inbox(holding: harness.feed.files)
        let runner = StreamRunner(
            pipeline: try workspace.pipeline(configuration: .standard, workers: 3), watcher: watcher,
            options: .init(once: true, filesPerCommit: 5))
        let totals = try runner.run()
        #expect(totals.applied + totals.alreadyIngested == harness.feed.files.count && totals.refused == 0)
        #expect(try harness.storeCards(workspace) == harness.offlineCards(harness.feed.files, places: workspace.places))
    }
}
