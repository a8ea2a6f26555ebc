import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryPostgres
import ItinerarySimulation
import ItineraryStore
import ItineraryTestSupport
import ItineraryTestTags
import Synchronization
import Testing

@testable import ItineraryPipeline

/// Only whole files (docs/feed-format.md): a file still being written is never applied, in part
/// or whole, by `stream` or `ingest`, whether the carrier writes it in place frame by frame or
/// under a temporary name it renames at the end.
@Suite(.tags(.integration), .serialized) struct WholeFileTests {
    // MARK: The decision core

    @Test func aFileSettlesByItsOwnTimesOrBySightings() {
        let settle = Duration.seconds(2)
        let now = 1_700_000_000.0
        #expect(FileSettling.hasSettled(lastChange: now - 2, wallNow: now, unchangedFor: .zero, settle: settle))
        #expect(!FileSettling.hasSettled(lastChange: now - 1.9, wallNow: now, unchangedFor: .zero, settle: settle))
        // Times ahead of this clock (another machine's): seen unchanged long enough is enough.
        #expect(!FileSettling.hasSettled(lastChange: now + 60, wallNow: now, unchangedFor: .seconds(1), settle: settle))
        #expect(FileSettling.hasSettled(lastChange: now + 60, wallNow: now, unchangedFor: .seconds(2), settle: settle))
        #expect(FileSettling.hasSettled(lastChange: now, wallNow: now, unchangedFor: .zero, settle: .zero))
    }

    @Test func theInboxTakesAFileOnlyOnceItHasStoodStill() throws {
        let inbox = FileManager.default.temporaryDirectory.appendingPathComponent(
            "settle-\(UUID().uuidString.prefix(8))")
        let watcher = InboxWatcher(inbox: inbox, settle: .seconds(1))
        try watcher.prepare()
        defer { try? FileManager.default.removeItem(at: inbox) }
        let file = inbox.appendingPathComponent("cmcc-20220501010000-0001.csv.zst")
        try Data([1, 2, 3]).write(to: file)
        var listing = try watcher.list()
        #expect(listing.batch.isEmpty && listing.settling == 1 && listing.waiting == 1)
        Thread.sleep(forTimeInterval: 0.6)
        // Written again before it settled: the wait starts over.
        try Self.append([4], to: file.path)
        Thread.sleep(forTimeInterval: 0.6)
        listing = try watcher.list()
        #expect(listing.batch.isEmpty && listing.settling == 1)
        Thread.sleep(forTimeInterval: 0.6)
        listing = try watcher.list()
        #expect(listing.batch == [file] && listing.settling == 0)
    }

    @Test func withMarkersAFileIsTakenOnlyBesideItsMarkerAndTheMarkerMovesWithIt() throws {
        let inbox = FileManager.default.temporaryDirectory.appendingPathComponent(
            "marker-\(UUID().uuidString.prefix(8))")
        let watcher = InboxWatcher(inbox: inbox, settle: .zero, requireDoneMarker: true)
        try watcher.prepare()
        defer { try? FileManager.default.removeItem(at: inbox) }
        let names = ["cmcc-20220501010000-0001.csv.zst", "cmcc-20220501020000-0001.csv.zst"]
        for name in names { try Data([1]).write(to: inbox.appendingPathComponent(name)) }
        var listing = try watcher.list()
        #expect(listing.batch.isEmpty && listing.settling == 0 && listing.waiting == 2)
        try Data().write(to: inbox.appendingPathComponent(names[1] + ".done"))
        listing = try watcher.list()
        #expect(listing.batch.map(\.lastPathComponent) == [names[1]])
        // Moved aside, the marker goes along, under the same name as the file.
        try Data([9]).write(to: watcher.processed.appendingPathComponent(names[1]))
        let moved = try FileMove.move(inbox.appendingPathComponent(names[1]), into: watcher.processed)
        #expect(moved.lastPathComponent == names[1] + ".1")
        #expect(FileManager.default.fileExists(atPath: moved.path + ".done"))
        #expect(!FileManager.default.fileExists(atPath: inbox.appendingPathComponent(names[1] + ".done").path))
        #expect(try watcher.list().batch.isEmpty)
    }

    // MARK: The store: the last look before the commit

    /// A file written again after its check and before its commit (here: while the next file of
    /// its batch is applied) is rolled back, left where it is, and reported deferred; the rest
    /// of the batch commits. Read again once whole, it applies in full.
    @Test(arguments: [false, true])
    func aFileChangedBeforeItsCommitIsRolledBackAndLeftInPlace(streamed: Bool) throws {
        let harness = try PipelineHarness(label: "recheck", phones: 20, days: 1, seed: 3)
        let workspace = try harness.workspace()
        let directory = harness.directory.appendingPathComponent("files")
        let files = try WorkersTests.copies(
            Array(FeedFileList.sorted(harness.feed.files).filter { $0.lastPathComponent.hasPrefix("cmcc-") }.suffix(2)),
            into: directory)
        let extra = try Self.extraLines(in: harness, time: FeedFileName(files[0].lastPathComponent)!.time)
        // Read as a stream, the first file is written again as its parse starts; kept in memory,
        // as the second file's starts (the clock is asked once a file, as it is applied).
        let clock = HookClock(start: harness.evaluationTime) { call in
            if call == (streamed ? 1 : 2) {
                try? Self.append(ZstdCompressor.compress(Array(extra.utf8)), to: files[0].path)
            }
        }
        let pipeline = try workspace.pipeline(
            configuration: .standard, limits: streamed ? FeedLimits(inMemoryBytes: 0) : .standard, clock: clock)
        var outcomes: [String: FileOutcome] = [:]
        try pipeline.ingest(files) { url, outcome in outcomes[url.lastPathComponent] = outcome }
        guard case .deferred(_, let reason) = outcomes[files[0].lastPathComponent] else {
            Issue.record("not deferred: \(String(describing: outcomes[files[0].lastPathComponent]))")
            return
        }
        #expect(reason.contains("changed while"))
        guard case .applied = outcomes[files[1].lastPathComponent] else {
            Issue.record("the rest of the batch: \(String(describing: outcomes[files[1].lastPathComponent]))")
            return
        }
        #expect(FileManager.default.fileExists(atPath: files[0].path))
        #expect(try workspace.connect().execute("SELECT count(*) FROM refused_files").int64(0, 0) == 0)
        #expect(try harness.ledger(workspace) == [ContentHash.sha256([UInt8](try Data(contentsOf: files[1])))])
        #expect(try harness.storeCards(workspace) == harness.offlineCards([files[1]], places: workspace.places))

        guard case .applied(let record, _) = try pipeline.ingest(files[0]) else {
            Issue.record("not applied once whole")
            return
        }
        #expect(record.records == (try Self.records(in: files[0])))
        #expect(record.records > extra.split(separator: "\n").count)
        #expect(try harness.storeCards(workspace) == harness.offlineCards(files, places: workspace.places))
    }

    // MARK: Writers that take seconds, against the real binary

    /// The issue's case: a multi-frame file written in place, frames seconds apart, while
    /// `stream` runs; beside it a file written the same way under `.part` and renamed at the
    /// end. Every record is applied exactly once, nothing is refused.
    @Test func filesWrittenFrameByFrameAreAppliedWholeExactlyOnceByStream() throws {
        let harness = try PipelineHarness(label: "inplace", phones: 60, days: 1, seed: 13)
        let run = try StreamRun(harness: harness)
        let whole = harness.directory.appendingPathComponent("whole")
        let inPlace = try Self.combined(harness, carrier: .cmcc, frames: 6, into: whole)
        let renamed = try Self.combined(harness, carrier: .cbn, frames: 6, into: whole)
        let expected = try harness.offlineCards([inPlace.url, renamed.url], places: try run.workspace().places)

        let daemon = try run.start(["--poll-interval", "50", "--settle", "3"])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        try run.waitForLog(0, containing: "streaming", timeout: 30)
        let target = run.inbox.appendingPathComponent(inPlace.url.lastPathComponent).path
        let writers = [
            FrameWriter.start(frames: inPlace.frames, to: target, pause: 1.2),
            FrameWriter.start(
                frames: renamed.frames,
                to: run.inbox.appendingPathComponent(renamed.url.lastPathComponent + ".part").path,
                pause: 1.2, renameTo: run.inbox.appendingPathComponent(renamed.url.lastPathComponent).path),
        ]
        for writer in writers { writer.wait() }
        try run.waitUntilDrained(timeout: 60)
        kill(daemon.processIdentifier, SIGTERM)
        #expect(StreamRun.wait(daemon, timeout: 20) == 0)

        let workspace = try run.workspace()
        let ledger = try workspace.connect().execute("SELECT records FROM ingest_files ORDER BY records")
            .rows { try $0.int64(0) ?? 0 }
        #expect(ledger == [Int64(renamed.records), Int64(inPlace.records)].sorted())
        #expect(try workspace.connect().execute("SELECT count(*) FROM refused_files").int64(0, 0) == 0)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: run.inbox.appendingPathComponent("failed").path).isEmpty
        )
        #expect(
            Set(try FileManager.default.contentsOfDirectory(atPath: run.inbox.appendingPathComponent("processed").path))
                == [inPlace.url.lastPathComponent, renamed.url.lastPathComponent])
        #expect(try harness.storeCards(workspace) == expected)
        #expect(!run.log(0).contains(".part"), "a .part file was read")
    }

    /// With `--require-done-marker`, a whole file waits for its marker, then goes to
    /// `processed/` with it.
    @Test func streamWithMarkersWaitsForTheMarker() throws {
        let harness = try PipelineHarness(label: "markers", phones: 10, days: 1, seed: 4)
        let run = try StreamRun(harness: harness)
        let source = FeedFileList.sorted(harness.feed.files).last { (try? Data(contentsOf: $0).count) ?? 0 > 200 }!
        let daemon = try run.start(["--poll-interval", "20", "--settle", "0", "--require-done-marker"])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        try run.waitForLog(0, containing: "streaming", timeout: 30)
        let name = source.lastPathComponent
        try FileManager.default.copyItem(at: source, to: run.inbox.appendingPathComponent(name))
        Thread.sleep(forTimeInterval: 1)
        #expect(try harness.ledger(try run.workspace()).isEmpty)
        try Data().write(to: run.inbox.appendingPathComponent(name + ".done"))
        try run.waitUntilDrained(timeout: 30)
        kill(daemon.processIdentifier, SIGTERM)
        #expect(StreamRun.wait(daemon, timeout: 20) == 0)
        #expect(try harness.ledger(try run.workspace()) == [ContentHash.sha256([UInt8](try Data(contentsOf: source)))])
        #expect(
            Set(try FileManager.default.contentsOfDirectory(atPath: run.inbox.appendingPathComponent("processed").path))
                == [name, name + ".done"])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: run.inbox.path).filter { !$0.hasPrefix(".") }.sorted()
                == ["failed", "processed"])
    }

    /// `ingest` of a file a carrier is still writing in place waits until it stands still and
    /// applies it whole; with no settle time, a file that changes while it is read is not
    /// applied at all: exit status 1, a clear message, the file left where it was.
    @Test func ingestAppliesAFileBeingWrittenWholeOrNotAtAll() throws {
        let harness = try PipelineHarness(label: "ingestwrite", phones: 60, days: 1, seed: 19)
        let workspace = try harness.workspace()
        let whole = harness.directory.appendingPathComponent("whole")
        let combined = try Self.combined(harness, carrier: .cmcc, frames: 5, into: whole)
        let feeds = harness.directory.appendingPathComponent("feeds")
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        let target = feeds.appendingPathComponent(combined.url.lastPathComponent)
        let arguments = ["ingest", "--database", harness.databaseURL, "--state", harness.stateDirectory.path]

        let writer = FrameWriter.start(frames: combined.frames, to: target.path, pause: 1)
        while !FileManager.default.fileExists(atPath: target.path) { Thread.sleep(forTimeInterval: 0.02) }
        let waited = try ChildProcess.run(arguments + ["--settle", "3", target.path])
        writer.wait()
        #expect(waited.status == 0, "\(waited.stderr)")
        #expect(waited.stderr.contains("still changing"))
        let ledger = try workspace.connect().execute("SELECT records FROM ingest_files").rows { try $0.int64(0) }
        #expect(ledger == [Int64(combined.records)])
        #expect(try harness.storeCards(workspace) == harness.offlineCards([combined.url], places: workspace.places))

        // Another file, written to without a pause while ingest reads it at once.
        let busy = feeds.appendingPathComponent(
            FeedFileName(carrier: .cucc, time: FeedFileName(combined.url.lastPathComponent)!.time, sequence: 200)
                .description)
        let frame = try Self.frame(of: combined.url)
        // Long enough that reading it takes a good many of the writer's pauses.
        try Data(Array(combined.frames.joined()) + Array(Array(repeating: frame, count: 200).joined())).write(to: busy)
        let stop = StopFlag()
        let appender = FrameWriter.start(
            frames: Array(repeating: frame, count: 4000), to: busy.path, pause: 0.005, stopped: { stop.isSet() })
        let refused = try ChildProcess.run(arguments + ["--settle", "0", busy.path])
        stop.set()
        appender.wait()
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("changed while"), "\(refused.stderr)")
        #expect(try workspace.connect().execute("SELECT count(*) FROM ingest_files").int64(0, 0) == 1)
        #expect(try workspace.connect().execute("SELECT count(*) FROM refused_files").int64(0, 0) == 0)
        #expect(FileManager.default.fileExists(atPath: busy.path))
        // Once whole, it applies in full.
        let again = try ChildProcess.run(arguments + ["--settle", "0", busy.path])
        #expect(again.status == 0, "\(again.stderr)")
        let records = try workspace.connect().execute("SELECT records FROM ingest_files ORDER BY id")
            .rows { try $0.int64(0) }
        #expect(records == [Int64(combined.records), Int64(try Self.records(in: busy))])
    }

    // MARK: Helpers

    /// One file of a carrier's generated records, cut into `frames` zstd frames (the header in
    /// the first), named for the last of the carrier's files; written whole under `directory`.
    static func combined(
        _ harness: PipelineHarness, carrier: FeedCarrier, frames count: Int, into directory: URL
    ) throws -> (url: URL, frames: [[UInt8]], records: Int) {
        let files = FeedFileList.sorted(harness.feed.files).filter {
            FeedFileName($0.lastPathComponent)?.carrier == carrier
        }
        var header: [UInt8] = []
        var lines: [ArraySlice<UInt8>] = []
        for url in files {
            let csv = try ZstdDecompressor.decompress(Array(Data(contentsOf: url)))
            let split = csv.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            header = Array(split[0])
            lines += split.dropFirst()
        }
        let size = (lines.count + count - 1) / count
        let frames = stride(from: 0, to: lines.count, by: size).enumerated().map { index, start in
            let body = lines[start..<min(start + size, lines.count)].map { Array($0) + [10] }.joined()
            return ZstdCompressor.compress((index == 0 ? header + [10] : []) + Array(body))
        }
        let name = FeedFileName(
            carrier: carrier, time: FeedFileName(files.last!.lastPathComponent)!.time, sequence: 100)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name.description)
        try Data(frames.joined()).write(to: url)
        return (url, frames, lines.count)
    }

    /// A frame of the first 50 records of a feed file (no header).
    static func frame(of url: URL) throws -> [UInt8] {
        let csv = try ZstdDecompressor.decompress(Array(Data(contentsOf: url)))
        let lines = csv.split(separator: UInt8(ascii: "\n")).dropFirst().prefix(50)
        return ZstdCompressor.compress(Array(lines.map { Array($0) + [10] }.joined()))
    }

    /// Records (non-blank lines after the header) in a feed file.
    static func records(in url: URL) throws -> Int {
        try ZstdDecompressor.decompress(Array(Data(contentsOf: url))).split(separator: UInt8(ascii: "\n")).count - 1
    }

    /// A few valid lines of the harness's first phones at `time`, in `cmcc` column order.
    static func extraLines(in harness: PipelineHarness, time: Int64) throws -> String {
        let cell = try String(contentsOf: harness.feed.cells, encoding: .utf8).split(separator: "\n")[1]
            .split(separator: ",").prefix(4).joined(separator: ",")
        return harness.feed.phones.prefix(5).map { "\($0.digits),\(time - 60),\(cell),sms\n" }.joined()
    }

    /// Appends `bytes` to the file at `path` as `>>` does: opened by path each time.
    static func append(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StreamTestError("open \(path): \(errno)") }
        defer { close(descriptor) }
        var done = 0
        while done < bytes.count {
            let written = bytes[done...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw StreamTestError("write \(path): \(errno)") }
            done += written
        }
    }
}

/// A carrier writing a feed file frame by frame with pauses between, on a thread of its own:
/// each frame appended by opening the path again, then (optionally) renamed into place.
final class FrameWriter: Sendable {
    private let done = DispatchSemaphore(value: 0)

    static func start(
        frames: [[UInt8]], to path: String, pause: Double, renameTo: String? = nil,
        stopped: @escaping @Sendable () -> Bool = { false }
    ) -> FrameWriter {
        let writer = FrameWriter()
        let thread = Thread {
            for (index, frame) in frames.enumerated() where !stopped() {
                if index > 0 { Thread.sleep(forTimeInterval: pause) }
                do {
                    try WholeFileTests.append(frame, to: path)
                } catch {
                    Issue.record("\(error)")
                }
            }
            if let renameTo, rename(path, renameTo) != 0 { Issue.record("rename \(path): \(errno)") }
            writer.done.signal()
        }
        thread.start()
        return writer
    }

    func wait() { done.wait() }
}

/// A flag one thread sets and another reads.
final class StopFlag: Sendable {
    private let value = Mutex(false)

    func set() { value.withLock { $0 = true } }

    func isSet() -> Bool { value.withLock { $0 } }
}

/// A wall clock at a fixed time that calls `hook` with the number of each call: a test's way to
/// act at a known step of the pipeline.
final class HookClock: WallClock {
    let start: Int64
    let hook: @Sendable (Int) -> Void
    private let calls = Mutex(0)

    init(start: Int64, hook: @escaping @Sendable (Int) -> Void) {
        self.start = start
        self.hook = hook
    }

    func now() -> Int64 {
        hook(
            calls.withLock {
                $0 += 1; return $0
            })
        return start
    }
}
