import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryPipeline
import ItineraryPostgres
import ItinerarySimulation
import ItineraryStore
import ItineraryTestSupport
import ItineraryTestTags
import PropertyBased
import Testing

/// A sharded deployment (README, Sharding): split files applied shard by shard give the single
/// node's cards, counts and lateness decisions.
@Suite(.tags(.integration)) struct ShardTests {
    /// Split into a random number of shards, each shard's files applied offline: the union of
    /// the shards' cards, and the sums of their counts, are the single node's.
    @Test func unionOfShardCardsEqualsTheSingleNodeForRandomShardCounts() async throws {
        let harness = try PipelineHarness(label: "splitprop", phones: 30, days: 3, seed: 17)
        let files = try ShardFeed.files(harness)
        let places = PlaceDirectory(divisions: try Divisions.load(), countries: try Countries.load())
        let reader = FeedReader(
            directory: places, cells: try CellTable.load(contentsOf: harness.feed.cells, directory: places))
        let single = try ShardFeed.offline(files, reader: reader, at: harness.evaluationTime)
        #expect(single.result.counts.late > 0)
        #expect(single.result.counts.rejected[.afterFileTime] == 1)
        #expect(single.result.refused.count == 1)
        let keyer = PhoneKeyer(secret: Array(PipelineHarness.secret.utf8))
        await propertyCheck(count: 5, input: Gen.int(in: 1...8)) { (count: Int) async throws in
            let out = harness.directory.appendingPathComponent("split-\(count)-\(UUID().uuidString.prefix(6))")
            let splitter = FeedSplitter(reader: reader, keyer: keyer, shards: PhoneShards(count: count))
            for url in files { _ = try splitter.split(url, into: out, now: ShardFeed.now) }
            var cards: [String: String] = [:]
            var counts = FileOutcomeCounts()
            var refused = 0
            for shard in 0..<count {
                let parts = try FeedFileList.files(in: [FeedSplitter.directory(of: shard, in: out).path])
                #expect(parts.count == (shard == 0 ? files.count : files.count - 1))
                let run = try ShardFeed.offline(parts, reader: reader, at: harness.evaluationTime)
                for (phone, card) in run.cards {
                    #expect(cards[phone] == nil)
                    #expect(keyer.shard(of: phone, among: count) == shard)
                    cards[phone] = card
                }
                counts += run.result.counts
                refused += run.result.refused.count
            }
            #expect(cards == single.cards)
            #expect(counts == single.result.counts)
            #expect(refused == 1)
        }
    }

    /// A part's leading stamp is read, and passed over by the decompression; a plain feed has none.
    @Test func plainFeedsAndSplitPartsReadAlike() throws {
        let hash = [UInt8](repeating: 7, count: 32)
        let stamp = SplitStamp(newestEvent: 1_651_400_000, sourceHash: hash)
        let csv = Array("msisdn,event_time,mcc,mnc,lac,cell_id,event\n".utf8)
        let name = FeedFileName(carrier: .cmcc, time: 1_651_400_000, sequence: 1)
        let part = try FeedFile(name: name, compressed: stamp.frame + ZstdCompressor.compress(csv))
        #expect(part.splitStamp == stamp)
        #expect(part.decompressedBytes == csv.count)
        let plain = try FeedFile(name: name, compressed: ZstdCompressor.compress(csv))
        #expect(plain.splitStamp == nil)
        #expect(SplitStamp(newestEvent: nil, sourceHash: hash).frame.count == SplitStamp.frameBytes)
        // A stamp alone is no feed: no header.
        #expect(throws: FeedError.self) { try FeedFile(name: name, compressed: stamp.frame) }
    }

    /// The shard ranges cover every key once and match what the bounds say.
    @Test func shardBoundsMatchTheShardFunction() async {
        await propertyCheck(count: 200, input: Gen.int(in: 1...1000), Gen.uint64()) { (count: Int, prefix: UInt64) in
            let shards = PhoneShards(count: count)
            let key = PhoneKey(
                bytes: (0..<8).reversed().map { UInt8(truncatingIfNeeded: prefix >> ($0 * 8)) }
                    + [UInt8](repeating: 0xAB, count: 24))!
            let shard = shards.shard(of: key)
            #expect((0..<count).contains(shard))
            let lower = shards.lowerBound(of: shard) ?? [UInt8](repeating: 0, count: 8)
            #expect(lower.lexicographicallyPrecedes(key.bytes) || lower == Array(key.bytes.prefix(8)))
            if shard + 1 < count {
                #expect(Array(key.bytes.prefix(8)).lexicographicallyPrecedes(shards.lowerBound(of: shard + 1)!))
            }
        }
    }

    /// Three PostgreSQL servers as shards behind a coordinator: split, a `stream` daemon per
    /// shard (one SIGKILLed mid-backlog and restarted), then cards through the coordinator,
    /// by `CardStore` and by `itinerary card`, equal the single node's.
    @Test func threeShardStreamsBehindACoordinatorGiveTheSingleNodeCards() throws {
        let harness = try PipelineHarness(label: "shards", phones: 40, days: 4, seed: 23)
        let files = try ShardFeed.files(harness)
        let state = harness.directory.appendingPathComponent("shard-state")
        let out = harness.directory.appendingPathComponent("split")
        let split = try PipelineHarness.run(
            PipelineHarness.executable,
            ["split", "--shards", "3", "--out", out.path, "--cells", harness.feed.cells.path, "--state", state.path]
                + files.map(\.path))
        // The corrupt file is refused (and passed to shard 0). The single node refuses it too,
        // moving it aside: so split first.
        #expect(split.status == 3, "\(split.stderr)")
        let single = try harness.workspace()
        try single.pipeline(configuration: .standard).ingest(files) { _, _ in }
        let expected = try harness.storeCards(single)

        let servers = (0..<3).map {
            EmbeddedPostgres(stateDirectory: harness.directory.appendingPathComponent("node-\($0)"))
        }
        defer { for server in servers { try? server.stop() } }
        for server in servers { try server.start() }
        let shardURLs = servers.map(\.connectionString)
        for url in shardURLs {
            try Workspace(stateDirectory: state, databaseURL: url).loadingCells(from: harness.feed.cells)
        }
        let coordinatorURL = try SharedTestDatabase.makeScratchDatabase(label: "coordinator")
        let initialized = try PipelineHarness.run(
            PipelineHarness.executable,
            ["shards", "init", "--coordinator", coordinatorURL, "--state", state.path]
                + shardURLs.flatMap { ["--shard", $0] })
        #expect(initialized.status == 0, "\(initialized.stderr)")

        func daemon(_ shard: Int, _ arguments: [String] = []) throws -> Process {
            let process = Process()
            process.executableURL = PipelineHarness.executable
            process.arguments =
                [
                    "stream", "--inbox", FeedSplitter.directory(of: shard, in: out).path, "--database",
                    shardURLs[shard],
                    "--state", state.path, "--poll-interval", "20",
                ] + arguments
            process.standardError = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            return process
        }
        let daemons = try (0..<3).map { try daemon($0) }
        Thread.sleep(forTimeInterval: 0.4)
        kill(daemons[1].processIdentifier, SIGKILL)
        daemons[1].waitUntilExit()
        for shard in [0, 2] {
            try StreamRun.waitUntilDrained(FeedSplitter.directory(of: shard, in: out), timeout: 120)
            #expect(daemons[shard].isRunning)
            kill(daemons[shard].processIdentifier, SIGTERM)
            #expect(StreamRun.wait(daemons[shard], timeout: 30) == 0)
        }
        #expect(StreamRun.wait(try daemon(1, ["--once"]), timeout: 120) == 0)

        let coordinator = try Workspace(stateDirectory: state, databaseURL: coordinatorURL)
        #expect(try harness.storeCards(coordinator) == expected)
        // The lookup service's change stamp reads through the coordinator too.
        #expect(try StoredCards.changeStamp(on: coordinator.connect()).dataTime != nil)
        let ingest = try PipelineHarness.run(
            PipelineHarness.executable, ["ingest", "--database", coordinatorURL, "--state", state.path, files[0].path])
        #expect(ingest.status == 1 && ingest.stderr.contains("coordinator"), "\(ingest.stderr)")
        let dataTime = { (workspace: Workspace) in
            try CardStore(configuration: .standard).dataTime(on: workspace.connect())
        }
        #expect(try dataTime(coordinator) == dataTime(single))
        // Lateness, duplicates and rejects: the shards' ledgers add up to the single node's.
        let totals = "SELECT sum(records), sum(accepted), sum(duplicates), sum(late), sum(rejected) FROM ingest_files"
        let singleTotals = try single.connect().execute(totals)
        var shardTotals = [Int64](repeating: 0, count: 5)
        for url in shardURLs {
            let result = try PostgresConnection(url).execute(totals)
            for column in 0..<5 { shardTotals[column] += try result.int64(0, column) ?? 0 }
        }
        #expect(try (0..<5).map { try singleTotals.int64(0, $0) ?? 0 } == shardTotals)
        #expect(shardTotals[3] > 0)
        let refused = try PostgresConnection(shardURLs[0]).execute("SELECT count(*) FROM refused_files")
        #expect(try refused.int64(0, 0) == 1)
        // The SQL entry point and the visits view answer through the coordinator as on one node.
        let sqlReads =
            "SELECT (SELECT count(*) FROM visits), (SELECT string_agg(c.color || c.places::text, ',' ORDER BY t.phone_key) "
            + "FROM phone_tracks t CROSS JOIN LATERAL itinerary_card(t.phone_key) c)"
        let viaCoordinatorSQL = try coordinator.connect().execute(sqlReads)
        let viaSingleSQL = try single.connect().execute(sqlReads)
        #expect(try viaCoordinatorSQL.int64(0, 0) == viaSingleSQL.int64(0, 0))
        #expect(viaCoordinatorSQL.string(0, 1) == viaSingleSQL.string(0, 1))
        #expect(try viaSingleSQL.int64(0, 0) ?? 0 > 0)
        // The command line through the coordinator, as through the single store.
        for phone in harness.feed.phones.prefix(3) {
            let viaCoordinator = try PipelineHarness.run(
                PipelineHarness.executable, ["card", phone.digits, "--database", coordinatorURL, "--state", state.path])
            let viaSingle = try PipelineHarness.run(
                PipelineHarness.executable,
                ["card", phone.digits, "--database", harness.databaseURL, "--state", harness.stateDirectory.path])
            #expect(viaCoordinator.status == viaSingle.status)
            #expect(viaCoordinator.stdout == viaSingle.stdout, "\(viaCoordinator.stderr)")
        }
    }
}

/// The generated feed plus files that make lateness, duplicates and refusal matter.
enum ShardFeed {
    /// The clock the single node and the split share for the future check.
    static let now: Int64 = 1_800_000_000

    /// The generated files, then: one record far ahead of the rest for one phone, in a file of
    /// its hour (so the watermark jumps for every shard, though only one holds that phone); a
    /// file of every phone's records a little after the generated period (late after that
    /// jump); a resend of the first generated file's records under a later name, and a
    /// byte-identical copy of the second; a corrupt file; and a line a year after its file's
    /// name time (`after_file_time`: it moves no watermark, and goes to shard 0).
    static func files(_ harness: PipelineHarness) throws -> [URL] {
        let feed = harness.feed
        let directory = harness.directory.appendingPathComponent("crafted")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cell = try String(contentsOf: feed.cells, encoding: .utf8).split(separator: "\n")[1]
            .split(separator: ",").prefix(4).joined(separator: ",")
        let header = "msisdn,event_time,mcc,mnc,lac,cell_id,event\n"
        func write(_ csv: String, at time: Int64, sequence: Int) throws -> URL {
            let url = directory.appendingPathComponent(
                FeedFileName(carrier: .cucc, time: time, sequence: sequence).description)
            try Data(ZstdCompressor.compress(Array((header + csv).utf8))).write(to: url)
            return url
        }
        let jump = try write(
            "\(feed.phones[0].digits),\(feed.end + 3 * 86_400),\(cell),call\n"
                + "\(feed.phones[1].digits),\(feed.end + 400 * 86_400),\(cell),call\n",
            at: feed.end + 3 * 86_400, sequence: 1)
        let lateCSV = feed.phones.map { "\($0.digits),\(feed.end + 3600),\(cell),data\n" }.joined()
        let late = try write(lateCSV, at: feed.end + 4 * 86_400, sequence: 2)
        let first = try ZstdDecompressor.decompress(Array(Data(contentsOf: feed.files[0])))
        let resend = directory.appendingPathComponent(
            FeedFileName(carrier: .ctcc, time: feed.end + 4 * 86_400, sequence: 3).description)
        try Data(ZstdCompressor.compress(first, level: 5)).write(to: resend)
        let corrupt = directory.appendingPathComponent(
            FeedFileName(carrier: .cbn, time: feed.end + 4 * 86_400, sequence: 4).description)
        try Data(Array(Data(contentsOf: feed.files[1])).dropLast(7)).write(to: corrupt)
        let copy = directory.appendingPathComponent(
            FeedFileName(carrier: .ctcc, time: feed.end + 4 * 86_400, sequence: 5).description)
        try FileManager.default.copyItem(at: feed.files[1], to: copy)
        return FeedFileList.sorted(feed.files + [jump, late, resend, corrupt, copy])
    }

    /// Offline cards of `files` at `time`, by number.
    static func offline(
        _ files: [URL], reader: FeedReader, at time: Int64
    ) throws -> (
        cards: [String: String], result: OfflineCards.Result
    ) {
        var cards: [String: String] = [:]
        let result = try OfflineCards(reader: reader, rules: CardRules()).run(
            files: FeedFileList.sorted(files), at: time, now: now, reject: { _ in }
        ) { phone, card in
            cards[phone.digits] = card.jsonLine(phone: phone)
        }
        return (cards, result)
    }
}

extension PhoneKeyer {
    func shard(of digits: String, among count: Int) -> Int {
        PhoneShards(count: count).shard(of: key(for: Phone(digits)!))
    }
}
