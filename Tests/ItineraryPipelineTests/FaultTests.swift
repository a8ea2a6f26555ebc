import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryPostgres
import ItinerarySimulation
import ItineraryStore
import ItineraryTestTags
import Testing

@testable import ItineraryPipeline

/// Off the happy path, as an operator or an attacker would try it: two writers at once, junk and
/// huge files, bytes PostgreSQL cannot take, feeds before their cells, cards asked for at a time
/// the store has folded past. Nothing lost, nothing stuck, nothing half-applied.
@Suite(.tags(.integration), .serialized) struct FaultTests {
    // MARK: One writer per store

    @Test func aSecondWriterExitsWithAClearMessageAndAStandbyDaemonWaits() throws {
        let harness = try PipelineHarness(label: "writers", phones: 30, days: 2)
        let workspace = try harness.workspace()
        let holder = try workspace.pipeline(configuration: .standard)
        #expect(throws: WriterLockError.self) { try workspace.pipeline(configuration: .standard) }

        // A batch command exits at once with its own status and applies nothing.
        let feeds = harness.directory.appendingPathComponent("generated/feeds").path
        let busy = try ChildProcess.run([
            "ingest", "--database", harness.databaseURL, "--state", harness.stateDirectory.path, feeds,
        ])
        #expect(busy.status == 4)
        #expect(busy.stderr.contains("another process is applying feeds to this store"))
        // It names the process to stop (this test's, which holds the lock), not a server backend.
        #expect(busy.stderr.contains("pid \(getpid()) on "), "\(busy.stderr)")
        #expect(busy.stderr.contains(WriterIdentity.current), "\(busy.stderr)")
        #expect(!busy.stderr.contains("server process"), "\(busy.stderr)")
        #expect(try harness.ledger(workspace).isEmpty)

        // A daemon waits as a standby and takes over once the lock is free.
        let inbox = harness.directory.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        for url in harness.feed.files {
            try FileManager.default.copyItem(at: url, to: inbox.appendingPathComponent(url.lastPathComponent))
        }
        let standby = try ChildProcess.start([
            "stream", "--once", "--inbox", inbox.path, "--database", harness.databaseURL,
            "--state", harness.stateDirectory.path,
        ])
        try standby.waitForStderr(containing: "waiting for the store's writer lock", timeout: 60)
        #expect(try harness.ledger(workspace).isEmpty)
        holder.releaseWriterLock()
        #expect(standby.wait(timeout: 120) == 0)
        #expect(try harness.storeCards(workspace) == harness.offlineCards(harness.feed.files, places: workspace.places))
    }

    // MARK: Junk, huge and poisoned files

    @Test func junkFilesAreRefusedOrRejectedInBoundedMemoryAndGoodFilesApplied() throws {
        let harness = try PipelineHarness(label: "junk", phones: 20, days: 2)
        let workspace = try harness.workspace()
        let feeds = harness.directory.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        for url in harness.feed.files {
            try FileManager.default.copyItem(at: url, to: feeds.appendingPathComponent(url.lastPathComponent))
        }
        let junk = try JunkFiles(directory: feeds, time: harness.feed.start)

        let run = try ChildProcess.run([
            "ingest", "--database", harness.databaseURL, "--state", harness.stateDirectory.path,
            "--max-file-bytes", "100000000", feeds.path,
        ])
        #expect(run.status == 3, "files were refused: \(run.stderr)")
        // Two files of 2 GB and 150 MB, and an 80 MB line: memory stays at the size of the good work.
        #expect(run.peakMemoryBytes < 160 << 20, "peak RSS \(run.peakMemoryBytes >> 20) MiB")
        print("junk run peak RSS \(run.peakMemoryBytes >> 20) MiB")

        let connection = try workspace.connect()
        let refused = Dictionary(
            uniqueKeysWithValues: try connection.execute("SELECT file_name, reason FROM refused_files")
                .rows { ($0.string(0)!, $0.string(1)!) })
        // The ledger keeps names masked (their 14-digit times too).
        let kept = DigitRunMasker.maskedFileName
        #expect(refused[kept(junk.sparse)]?.contains("corrupt") == true)
        #expect(refused[kept(junk.tooLarge)]?.contains("more than 100000000 bytes") == true)
        #expect(refused[kept(junk.fifo)]?.contains("not a regular file") == true)
        #expect(refused[kept(junk.badName)]?.contains("does not match") == true)
        #expect(refused.count == 4)
        let failed = Set(
            try FileManager.default.contentsOfDirectory(atPath: feeds.appendingPathComponent("failed").path))
        #expect(Set(failed.map(kept)) == Set(refused.keys))

        let rejects = try connection.execute(
            "SELECT file_name, reason, raw FROM rejects WHERE file_name = ANY($1::text[])",
            .text("{\(kept(junk.longLine)),\(kept(junk.poisoned))}")
        )
        .rows { (file: $0.string(0)!, reason: $0.string(1)!, raw: $0.string(2)!) }
        let long = try #require(rejects.first { $0.file == kept(junk.longLine) })
        #expect(long.reason == "line_too_long" && long.raw.utf8.count == FeedReader.keptPrefixOfLongLine)
        let poisoned = rejects.filter { $0.file == kept(junk.poisoned) }.map { "\($0.reason) \($0.raw)" }.sorted()
        #expect(
            poisoned == [
                "bad_event 139****0001,1651363200,460,00,4113,1,l\\xFF\\xFE",
                "bad_msisdn 139****\\x000001,1651363200,460,00,4113,1,lu",
            ])
        #expect(try harness.storeCards(workspace) == harness.offlineCards(harness.feed.files, places: workspace.places))
    }

    @Test func dataTheStoreRefusesIsRefusedWithItsFileAndTheRestGoesOn() throws {
        let harness = try PipelineHarness(label: "poison", phones: 20, days: 2)
        let workspace = try harness.workspace()
        // Stands for any value PostgreSQL cannot take: a constraint the store's data breaks.
        try workspace.connect().execute(
            "ALTER TABLE rejects ADD CONSTRAINT test_poison CHECK (raw NOT LIKE '%POISON%')")
        let watcher = try harness.inbox(holding: harness.feed.files)
        let inbox = watcher.inbox
        let poison = FeedFileName(carrier: .cucc, time: harness.feed.start + 7200, sequence: 77).description
        try Data(ZstdCompressor.compress(Array("\(JunkFiles.header)\nPOISON\n".utf8))).write(
            to: inbox.appendingPathComponent(poison))

        let runner = StreamRunner(
            pipeline: try workspace.pipeline(configuration: .standard), watcher: watcher,
            options: .init(once: true, filesPerCommit: 8))
        let totals = try runner.run()
        #expect(totals.refused == 1 && totals.applied + totals.alreadyIngested == harness.feed.files.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: watcher.failed.path) == [poison])
        let reason = try workspace.connect().execute("SELECT reason FROM refused_files").string(0, 0)
        #expect(reason?.contains("the store refused its data") == true)
        #expect(try harness.storeCards(workspace) == harness.offlineCards(harness.feed.files, places: workspace.places))
    }

    @Test func failuresOtherThanTheDatabaseAreIsolatedToOneFileThenRefused() {
        let action = StreamRunner.action
        #expect(action(5, true, 1, 3) == .retry)
        #expect(action(1, false, 8, 3) == .retry)
        #expect(action(2, false, 8, 3) == .isolate)
        #expect(action(2, false, 1, 3) == .retry)
        #expect(action(3, false, 1, 3) == .refuse)
    }

    // MARK: Missing reference data

    @Test func feedsBeforeCellsAreRefusedAndRejectsReplayAfterTheLoad() throws {
        let harness = try PipelineHarness(label: "replay", phones: 30, days: 3)
        let bare = try Workspace(stateDirectory: harness.stateDirectory, databaseURL: harness.databaseURL)
        #expect(throws: MissingCellsError.self) { try bare.pipeline(configuration: .standard) }

        // A cell table missing a third of its cells, and a lateness long enough that a replay is
        // never late: the replayed store must then equal the offline cards with every cell.
        let partial = try harness.partialCells(droppingEvery: 3)
        try bare.loadingCells(from: partial)
        let patient = RuleConfiguration(lateness: 40 * 86_400)
        let first = try bare.pipeline(configuration: patient)
        try first.ingest(FeedFileList.sorted(harness.feed.files)) { _, _ in }
        first.releaseWriterLock()
        let unknown =
            try bare.connect().execute("SELECT count(*) FROM rejects WHERE reason = 'unknown_cell'").int64(0, 0) ?? 0
        let replayable =
            try bare.connect().execute("SELECT count(*) FROM rejects WHERE phone_key IS NOT NULL").int64(0, 0) ?? 0
        #expect(unknown > 100 && replayable >= unknown)

        try bare.loadingCells(from: harness.feed.cells, replacing: true)
        let pipeline = try bare.pipeline(configuration: patient)
        let outcome = try pipeline.replayRejects()
        #expect(outcome.examined == Int(replayable))
        #expect(outcome.late == 0 && outcome.applied > 0)
        #expect(outcome.applied + outcome.duplicates + outcome.stillRejected == outcome.examined)
        #expect(try harness.storeCards(bare) == harness.offlineCards(harness.feed.files, places: bare.places))
        // What is still unresolved stays, and replaying again changes nothing.
        let again = try pipeline.replayRejects()
        #expect(again == ReplayOutcome(examined: outcome.stillRejected, stillRejected: outcome.stillRejected))
        let replays = try bare.connect().execute("SELECT count(*) FROM reject_replays").int64(0, 0)
        #expect(replays == 2)
    }

    @Test func replayedRecordsOlderThanTheWatermarkStayAsLate() throws {
        let harness = try PipelineHarness(label: "replaylate", phones: 30, days: 3)
        let workspace = try Workspace(stateDirectory: harness.stateDirectory, databaseURL: harness.databaseURL)
        let partial = try harness.partialCells(droppingEvery: 2)
        try workspace.loadingCells(from: partial)
        let first = try workspace.pipeline(configuration: .standard)
        try first.ingest(FeedFileList.sorted(harness.feed.files)) { _, _ in }
        first.releaseWriterLock()
        try workspace.loadingCells(from: harness.feed.cells, replacing: true)
        let outcome = try workspace.pipeline(configuration: .standard).replayRejects()
        // Three days of data and a one-day lateness: the first days' records are late now.
        #expect(outcome.late > 0 && outcome.applied > 0)
        let connection = try workspace.connect()
        let lateRows =
            try connection.execute("SELECT count(*) FROM rejects WHERE reason = 'late' AND phone_key IS NULL").int64(
                0, 0) ?? 0
        let ledgerLate =
            try connection.execute("SELECT coalesce(sum(late), 0)::int8 FROM ingest_files").int64(0, 0) ?? 0
        #expect(lateRows == ledgerLate + Int64(outcome.late))
        #expect(
            try connection.execute("SELECT count(*) FROM rejects WHERE phone_key IS NOT NULL").int64(0, 0)
                == Int64(outcome.stillRejected))
    }

    // MARK: Cards at an earlier time

    @Test func cardAtAnEarlierTimeIsExactOrRefused() throws {
        let harness = try PipelineHarness(label: "cardat", phones: 40, days: 4)
        let workspace = try harness.workspace()
        let pipeline = try workspace.pipeline(configuration: .standard)
        try pipeline.ingest(FeedFileList.sorted(harness.feed.files)) { _, _ in }
        let connection = try workspace.connect()
        let store = CardStore(configuration: .standard)
        let dataTime = try #require(try store.dataTime(on: connection))
        let reader = FeedReader(
            directory: workspace.places,
            cells: try CellTable.load(contentsOf: harness.feed.cells, directory: workspace.places))
        var refused = 0, exact = 0
        for time in [harness.feed.start + 86_400, harness.feed.start + 2 * 86_400 + 5_000, dataTime - 3_600, dataTime] {
            var offline: [Phone: Card] = [:]
            _ = try OfflineCards(reader: reader, rules: CardRules()).run(
                files: FeedFileList.sorted(harness.feed.files), at: time,
                now: dataTime
            ) { _ in
            } emit: {
                offline[$0] = $1
            }
            for phone in harness.feed.phones {
                do {
                    let card = try store.exactCard(for: workspace.keyer.key(for: phone), at: time, on: connection)
                    let expected = offline[phone] ?? CardRules().card(visits: [], at: time, closeContact: false)
                    #expect(
                        card.jsonLine(phone: phone) == expected.jsonLine(phone: phone), "\(phone.masked) at \(time)")
                    exact += 1
                } catch is CardTimeError {
                    #expect(time < dataTime, "the data time itself is never refused")
                    refused += 1
                }
            }
        }
        #expect(refused > 0 && exact > harness.feed.phones.count)
    }

    // MARK: Masking

    @Test func everyPhoneLikeRunIsMaskedWhereverItSits() {
        let lines = [
            "13800138000,1651392000,460,00,4113,12345,lu",
            "1651392000,13800138000,460,00,4113,12345,lu",
            "13800138000;1651392000;460;00;4113;12345;lu",
            "+8613800138000 1651392000 x",
            "x19912345678123,68719476735",
        ]
        for line in lines {
            #expect(DigitRunMasker.masked(line).firstMatch(of: /1[3-9]\d{9}/) == nil, "\(line)")
        }
        // A field of its own stays readable; a space joins the time to the number (docs/feed-format.md).
        for line in lines.prefix(3) { #expect(DigitRunMasker.masked(line).contains("1651392000")) }
        #expect(DigitRunMasker.masked(lines[3]) == "+861********** ******2000 x")
        #expect(DigitRunMasker.masked("x19912345678123,68719476735") == "x199*******8123,687****6735")
    }
}

/// The junk an attacker or a broken exporter drops beside good files; the names sort among
/// the good files' times so the junk lands in the middle of the run.
struct JunkFiles {
    static let header = "msisdn,event_time,mcc,mnc,lac,cell_id,event"
    let sparse: String
    let tooLarge: String
    let fifo: String
    let badName = "junk.csv.zst"
    let longLine: String
    let poisoned: String

    init(directory: URL, time: Int64) throws {
        func name(_ carrier: FeedCarrier, _ sequence: Int) -> String {
            FeedFileName(carrier: carrier, time: time + 3600, sequence: sequence).description
        }
        sparse = name(.cmcc, 9001)
        tooLarge = name(.cucc, 9002)
        fifo = name(.ctcc, 9003)
        longLine = name(.cbn, 9004)
        poisoned = name(.cmcc, 9005)

        // 2 GB of zeros that take no disk: refused as corrupt at its first bytes.
        let handle = try FileHandle(forWritingTo: Self.create(directory.appendingPathComponent(sparse)))
        try handle.truncate(atOffset: 2 << 30)
        try handle.close()
        // 150 MB of lines from a few kilobytes: refused once past the 100 MB cap.
        let lines = [UInt8](repeating: UInt8(ascii: "9"), count: 1 << 20)
        let frame = ZstdCompressor.compress(lines)
        try Data(ZstdCompressor.compress(Array("\(Self.header)\n".utf8)) + Array(repeating: frame, count: 150).joined())
            .write(to: directory.appendingPathComponent(tooLarge))
        // A reader that opened it would wait for a writer for ever.
        #expect(mkfifo(directory.appendingPathComponent(fifo).path, 0o644) == 0)
        try Data("not zstd".utf8).write(to: directory.appendingPathComponent(badName))
        // One 80 MB line (past the in-memory size, so parsed as a stream), then a blank line.
        try Data(
            ZstdCompressor.compress(Array("\(Self.header)\n".utf8)) + Array(repeating: frame, count: 80).joined()
                + ZstdCompressor.compress([10, 10])
        )
        .write(to: directory.appendingPathComponent(longLine))
        // A NUL in a number and invalid UTF-8 in an event: rejects PostgreSQL can still keep.
        var bytes = Array("\(Self.header)\n1390000".utf8) + [0] + Array("0001,1651363200,460,00,4113,1,lu\n".utf8)
        bytes += Array("13900000001,1651363200,460,00,4113,1,l".utf8) + [0xFF, 0xFE, 10]
        try Data(ZstdCompressor.compress(bytes)).write(to: directory.appendingPathComponent(poisoned))
    }

    private static func create(_ url: URL) throws -> URL {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown)
        }
        return url
    }
}

/// No clear number at rest anywhere in PostgreSQL's files: heap, indexes and WAL.
@Suite(.tags(.integration), .serialized) struct DataDirectoryScanTests {
    @Test func noGeneratedNumberIsAnywhereInTheClusterFiles() throws {
        let harness = try PipelineHarness(label: "datascan", phones: 20, days: 2)
        let cluster = EmbeddedPostgres(stateDirectory: harness.directory.appendingPathComponent("scan-cluster"))
        try cluster.start()
        defer { try? cluster.stop() }
        let workspace = try Workspace(stateDirectory: harness.stateDirectory, databaseURL: cluster.connectionString)
        try workspace.loadingCells(from: harness.feed.cells)

        // Rejected lines with the number shifted out of its field, or behind other separators.
        let numbers = harness.feed.phones.map(\.digits)
        let body = numbers.enumerated().map { index, number in
            switch index % 4 {
            case 0: "1651363200,\(number),460,00,4113,1,lu"
            case 1: "\(number);1651363200;460;00;4113;1;lu"
            case 2: "x,+86\(number) 1651363200,460,00,4113,1"
            default: "\(number)\(number),1651363200,460,00,4113,1,lu"
            }
        }.joined(separator: "\n")
        let junk = harness.directory.appendingPathComponent(
            FeedFileName(carrier: .ctcc, time: harness.feed.start + 3600, sequence: 5).description)
        try Data(ZstdCompressor.compress(Array("\(JunkFiles.header)\n\(body)\n".utf8))).write(to: junk)
        let pipeline = try workspace.pipeline(configuration: .standard)
        try pipeline.ingest(FeedFileList.sorted(harness.feed.files + [junk])) { _, _ in }
        let rejected = try workspace.connect().execute(
            "SELECT count(*) FROM rejects WHERE file_name = $1",
            .text(DigitRunMasker.maskedFileName(junk.lastPathComponent)))
        #expect(try rejected.int64(0, 0) == Int64(numbers.count))
        try workspace.connect().execute("CHECKPOINT")
        try cluster.stop()

        let patterns = harness.directory.appendingPathComponent("numbers.txt")
        try numbers.joined(separator: "\n").write(to: patterns, atomically: true, encoding: .utf8)
        let grep = try PipelineHarness.run(
            URL(fileURLWithPath: "/bin/grep"),
            ["-r", "-l", "-a", "-F", "-f", patterns.path, cluster.dataDirectory.path])
        #expect(grep.status == 1, "clear numbers in: \(grep.stdout)")
    }
}
