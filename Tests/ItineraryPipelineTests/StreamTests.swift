import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryPipeline
import ItineraryPostgres
import ItinerarySimulation
import ItineraryStore
import ItineraryTestSupport
import ItineraryTestTags
import Testing

/// The streaming daemon (`itinerary stream`) as a real child process over a real
/// PostgreSQL: whatever the drop schedule, bursts, duplicates, corrupt files, slow writers,
/// kills and stops, once the inbox drains the cards equal batch ingest and the offline command.
@Suite(.tags(.integration), .serialized) struct StreamTests {
    // MARK: The decision core

    @Test func inboxCandidatesAreOrderedByDeliveryAndSkipTemporaryAndDotFiles() {
        let names = [
            "cucc-20220501020000-0001.csv.zst", "cmcc-20220501020000-0001.csv.zst", "cmcc-20220501010000-0002.csv.zst",
            "cmcc-20220501010000-0001.csv.zst", ".hidden.csv.zst", "cmcc-20220501000000-0001.csv.zst.tmp", "processed",
            "failed", "notes.txt", "cmcc-20220501030000-0001.csv.zst.1", "_SUCCESS",
            "_cmcc-20220501000000-0002.csv.zst",
            "cmcc-20220501000000-0003.csv.zst.part", "cmcc-20220501000000-0004.csv.zst.PARTIAL",
            "cmcc-20220501000000-0005.csv.zst.filepart", "cmcc-20220501000000-0006.csv.zst.crdownload",
            "cmcc-20220501000000-0007.csv.zst~", "cmcc-20220501010000-0001.csv.zst.done", "x.temp", "x.download",
            "x.inprogress", "x.uploading",
        ]
        #expect(
            InboxWatcher.candidates(names) == [
                "cmcc-20220501010000-0001.csv.zst", "cmcc-20220501010000-0002.csv.zst",
                "cmcc-20220501020000-0001.csv.zst",
                "cucc-20220501020000-0001.csv.zst", "cmcc-20220501030000-0001.csv.zst.1", "notes.txt",
            ])
    }

    @Test func listingIsBoundedAndIgnoresDirectories() throws {
        let inbox = FileManager.default.temporaryDirectory.appendingPathComponent(
            "inbox-\(UUID().uuidString.prefix(8))")
        let watcher = InboxWatcher(inbox: inbox, batchLimit: 5, settle: .zero)
        try watcher.prepare()
        defer { try? FileManager.default.removeItem(at: inbox) }
        for hour in (0..<20).reversed() {
            let name = FeedFileName(carrier: .cmcc, time: 1_651_363_200 + Int64(hour) * 3600, sequence: 1).description
            try Data([1]).write(to: inbox.appendingPathComponent(name))
        }
        try FileManager.default.createDirectory(
            at: inbox.appendingPathComponent("cmcc-20220501000000-0000.csv.zst"),
            withIntermediateDirectories: true)
        let listing = try watcher.list()
        #expect(listing.waiting == 21)
        #expect(
            listing.batch.map(\.lastPathComponent)
                == (0..<5).map {
                    FeedFileName(carrier: .cmcc, time: 1_651_363_200 + Int64($0) * 3600, sequence: 1).description
                })
    }

    @Test func decisions() {
        let record = IngestRecord(
            fileName: "f", contentHash: [], compressedBytes: 0, decompressedBytes: 0, records: 0, accepted: 0,
            duplicates: 0, late: 0, rejected: 0, watermark: nil, newestEvent: nil)
        #expect(StreamRunner.disposition(of: .applied(record, FileOutcomeCounts()), stillInInbox: true) == .processed)
        // A commit whose move was lost to a crash comes back as already ingested: it is moved then.
        #expect(StreamRunner.disposition(of: .alreadyIngested(fileName: "f"), stillInInbox: true) == .processed)
        #expect(
            StreamRunner.disposition(of: .refused(fileName: "f", reason: "r", movedTo: "x"), stillInInbox: false)
                == .none)
        #expect(
            StreamRunner.disposition(of: .refused(fileName: "f", reason: "r", movedTo: nil), stillInInbox: true)
                == .failed)
        // A file that changed while read stays where it is, to settle.
        #expect(StreamRunner.disposition(of: .deferred(fileName: "f", reason: "r"), stillInInbox: true) == .none)
        #expect(
            StreamRunner.next(stopRequested: true, once: false, batchIsEmpty: false, pollInterval: .seconds(1)) == .stop
        )
        #expect(
            StreamRunner.next(stopRequested: false, once: true, batchIsEmpty: true, pollInterval: .seconds(1)) == .stop)
        // `--once` waits for files still settling: they are what is waiting.
        #expect(
            StreamRunner.next(
                stopRequested: false, once: true, batchIsEmpty: true, settling: true, pollInterval: .seconds(1))
                == .wait(.seconds(1)))
        #expect(
            StreamRunner.next(
                stopRequested: true, once: true, batchIsEmpty: true, settling: true, pollInterval: .seconds(1))
                == .stop)
        #expect(
            StreamRunner.next(stopRequested: false, once: false, batchIsEmpty: true, pollInterval: .milliseconds(200))
                == .wait(.milliseconds(200)))
        #expect(
            StreamRunner.next(stopRequested: false, once: true, batchIsEmpty: false, pollInterval: .seconds(1)) == .work
        )
        #expect(StreamRunner.retryDelay(failures: 1, maximum: .seconds(30)) == .milliseconds(500))
        #expect(StreamRunner.retryDelay(failures: 3, maximum: .seconds(30)) == .seconds(2))
        #expect(StreamRunner.retryDelay(failures: 100, maximum: .seconds(30)) == .seconds(30))
    }

    // MARK: In process: the crash window between commit and move

    @Test func aFileCommittedButNotMovedIsMovedOnRestartWithNothingApplied() throws {
        let harness = try PipelineHarness(label: "streamwindow", phones: 10, days: 1)
        let workspace = try harness.workspace()
        let files = FeedFileList.sorted(harness.feed.files).prefix(8)
        let watcher = try harness.inbox(holding: files)
        let inbox = watcher.inbox
        // A process that committed the first three files and died before moving them.
        let dead = try workspace.pipeline(configuration: .standard)
        for url in files.prefix(3) {
            guard case .applied = try dead.ingest(inbox.appendingPathComponent(url.lastPathComponent)) else {
                Issue.record("\(url.lastPathComponent) not applied")
                return
            }
        }
        let ledger = try harness.ledger(workspace)
        dead.releaseWriterLock()
        let runner = StreamRunner(
            pipeline: try workspace.pipeline(configuration: .standard), watcher: watcher,
            options: .init(once: true))
        let totals = try runner.run()
        #expect(totals.refused == 0)
        #expect(totals.applied + totals.alreadyIngested == files.count)
        #expect(try harness.ledger(workspace).isSuperset(of: ledger))
        #expect(try Self.waiting(inbox).isEmpty)
        #expect(
            Set(try FileManager.default.contentsOfDirectory(atPath: watcher.processed.path))
                == Set(files.map(\.lastPathComponent)))
        #expect(try harness.storeCards(workspace) == harness.offlineCards(Array(files), places: workspace.places))
    }

    // MARK: The daemon as a child process

    /// Random drop schedules: files shuffled within 12 hours of delivery time (within L), in
    /// bursts, with duplicates, corrupt copies and slow `.tmp` writers.
    @Test(arguments: [UInt64(21), 22])
    func drainedCardsEqualBatchAndOfflineForRandomDropSchedules(seed: UInt64) throws {
        let harness = try PipelineHarness(label: "stream\(seed)", phones: 30, days: 3, seed: seed)
        let expected = try Self.batchCards(harness)
        let run = try StreamRun(harness: harness)
        var random = Xoshiro256(seed: seed)
        let schedule = Self.schedule(harness.feed.files, random: &random)

        let daemon = try run.start(["--poll-interval", "50", "--batch", "16", "--metrics-port", "0"])
        var drop = Dropper(inbox: run.inbox, random: random)
        for burst in schedule { try drop.burst(burst) }
        try run.waitUntilDrained(timeout: 60)
        let metrics = try run.scrapeMetrics(logIndex: 0)
        #expect(metrics.contains("itinerary_stream_files_total{outcome=\"applied\"}"))
        #expect(metrics.contains("itinerary_stream_records_total{outcome=\"accepted\"}"))
        #expect(metrics.contains("itinerary_stream_lag_seconds_bucket"))
        #expect(metrics.contains("itinerary_stream_resident_memory_bytes"))
        kill(daemon.processIdentifier, SIGTERM)
        #expect(StreamRun.wait(daemon, timeout: 20) == 0)

        let workspace = try run.workspace()
        #expect(try harness.storeCards(workspace) == expected)
        #expect(try harness.storeCards(workspace) == harness.offlineCards(harness.feed.files, places: workspace.places))
        // The stored cards are the offline cards at the data time.
        #expect(
            try harness.sqlCards(workspace)
                == harness.offlineCards(harness.feed.files, places: workspace.places, at: harness.dataTime(workspace)))
        #expect(try harness.ledger(workspace) == Self.distinctHashes(harness.feed.files))
        let failed = try FileManager.default.contentsOfDirectory(
            atPath: run.inbox.appendingPathComponent("failed").path)
        #expect(Set(failed) == drop.corrupt)
        let processed = try FileManager.default.contentsOfDirectory(
            atPath: run.inbox.appendingPathComponent("processed").path)
        #expect(processed.count == harness.feed.files.count + drop.duplicates)
        let log = run.log(0)
        #expect(log.contains("outcome=applied"))
        #expect(log.contains("lag="))
        #expect(!log.contains(".tmp"), "a .tmp file was read")
    }

    /// SIGKILL at random moments of a burst, restarts while files keep arriving: the same cards.
    @Test func killedDaemonResumesToTheSameCards() throws {
        let harness = try PipelineHarness(label: "streamkill", phones: 50, days: 4, seed: 5)
        let expected = try Self.batchCards(harness)
        let run = try StreamRun(harness: harness)
        var random = Xoshiro256(seed: 5)
        let schedule = Self.schedule(harness.feed.files, random: &random)
        var drop = Dropper(inbox: run.inbox, random: random, corruptRate: 0, slowRate: 0.05)
        var daemon = try run.start(["--poll-interval", "20"])
        var kills = 0
        for (index, burst) in schedule.enumerated() {
            try drop.burst(burst)
            if index % max(1, schedule.count / 4) == schedule.count / 8, daemon.isRunning {
                Thread.sleep(forTimeInterval: Double(random.next() % 400) / 1000)
                kill(daemon.processIdentifier, SIGKILL)
                daemon.waitUntilExit()
                #expect(daemon.terminationReason == .uncaughtSignal)
                kills += 1
                daemon = try run.start(["--poll-interval", "20"])
            }
        }
        // One more kill in the middle of the backlog, then drain cron-style.
        Thread.sleep(forTimeInterval: 0.3)
        kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()
        kills += 1
        let final = try run.start(["--once"])
        #expect(StreamRun.wait(final, timeout: 60) == 0)
        #expect(try Self.waiting(run.inbox).isEmpty)
        #expect(kills >= 3)

        let workspace = try run.workspace()
        #expect(try harness.storeCards(workspace) == expected)
        #expect(
            try harness.sqlCards(workspace)
                == harness.offlineCards(harness.feed.files, places: workspace.places, at: harness.dataTime(workspace)))
        #expect(try harness.ledger(workspace) == Self.distinctHashes(harness.feed.files))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: run.inbox.appendingPathComponent("failed").path).isEmpty
        )
    }

    /// SIGTERM while applying: the files in hand finish, exit status 0, and `--once` completes.
    @Test func terminatedDaemonExitsZeroAndOnceCompletesIt() throws {
        let harness = try PipelineHarness(label: "streamterm", phones: 60, days: 4, seed: 9)
        let expected = try Self.batchCards(harness)
        let run = try StreamRun(harness: harness)
        for url in harness.feed.files {
            try FileManager.default.copyItem(at: url, to: run.inbox.appendingPathComponent(url.lastPathComponent))
        }
        let daemon = try run.start([])
        try run.waitForLog(0, containing: "outcome=applied", timeout: 60)
        kill(daemon.processIdentifier, SIGTERM)
        #expect(StreamRun.wait(daemon, timeout: 30) == 0)
        let log = run.log(0)
        #expect(log.contains("stopping after the files in hand"))
        #expect(log.contains("stopped"))
        #expect(!(try Self.waiting(run.inbox).isEmpty), "the daemon drained before SIGTERM: make the feed larger")
        // Whatever it stopped on was finished: every file it moved is in the ledger, the rest are not.
        let processed = try FileManager.default.contentsOfDirectory(
            atPath: run.inbox.appendingPathComponent("processed").path)
        let processedHashes = Set(
            try processed.map {
                ContentHash.sha256([UInt8](try Data(contentsOf: run.inbox.appendingPathComponent("processed/\($0)"))))
            })
        #expect(try harness.ledger(try run.workspace()) == processedHashes)

        let once = try run.start(["--once"])
        #expect(StreamRun.wait(once, timeout: 60) == 0)
        #expect(try Self.waiting(run.inbox).isEmpty)
        #expect(try harness.storeCards(try run.workspace()) == expected)
    }

    /// `--once` exits 3 when it refused a file into `failed/`, as `ingest` does; 0 when it refused none.
    @Test func onceExitsThreeWhenFilesWereRefused() throws {
        let harness = try PipelineHarness(label: "streamrefused", phones: 5, days: 1, seed: 4)
        let run = try StreamRun(harness: harness)
        for url in FeedFileList.sorted(harness.feed.files).prefix(2) {
            try FileManager.default.copyItem(at: url, to: run.inbox.appendingPathComponent(url.lastPathComponent))
        }
        let clean = try run.start(["--once", "--settle", "0"])
        #expect(StreamRun.wait(clean, timeout: 60) == 0)
        // A file with a feed's name that is not zstd is refused.
        let junk = FeedFileName(carrier: .cmcc, time: harness.feed.start + 3600, sequence: 9001).description
        try Data("not zstd".utf8).write(to: run.inbox.appendingPathComponent(junk))
        let refusing = try run.start(["--once", "--settle", "0"])
        #expect(StreamRun.wait(refusing, timeout: 60) == 3, "\(run.log(1))")
        #expect(FileManager.default.fileExists(atPath: run.inbox.appendingPathComponent("failed/\(junk)").path))
        #expect(run.log(1).contains("1 refused"))
    }

    /// A file written slowly under a `.tmp` name is not read before its rename; dot-files and
    /// subdirectories are never read; a second daemon on the same inbox is refused.
    @Test func temporaryFilesAreNotReadBeforeTheirRename() throws {
        let harness = try PipelineHarness(label: "streamtmp", phones: 10, days: 1, seed: 3)
        let run = try StreamRun(harness: harness)
        let daemon = try run.start(["--poll-interval", "20"])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        try run.waitForLog(0, containing: "streaming", timeout: 30)

        let second = try run.start(["--once"])
        #expect(StreamRun.wait(second, timeout: 30) != 0)
        #expect(run.log(1).contains("another stream process"))

        let source = FeedFileList.sorted(harness.feed.files).first { (try? Data(contentsOf: $0).count) ?? 0 > 200 }!
        let bytes = try Data(contentsOf: source)
        let temporary = run.inbox.appendingPathComponent(source.lastPathComponent + ".tmp")
        let hidden = run.inbox.appendingPathComponent(".\(source.lastPathComponent)")
        let nested = run.inbox.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try bytes.write(to: hidden)
        try bytes.write(to: nested.appendingPathComponent(source.lastPathComponent))
        #expect(FileManager.default.createFile(atPath: temporary.path, contents: nil))
        let handle = try FileHandle(forWritingTo: temporary)
        let step = max(1, bytes.count / 10)
        for offset in stride(from: 0, to: bytes.count, by: step) {
            try handle.write(contentsOf: bytes[offset..<min(bytes.count, offset + step)])
            Thread.sleep(forTimeInterval: 0.1)
        }
        try handle.close()
        Thread.sleep(forTimeInterval: 0.3)
        let workspace = try run.workspace()
        #expect(try harness.ledger(workspace).isEmpty)
        #expect(try workspace.connect().execute("SELECT count(*) FROM refused_files").int64(0, 0) == 0)
        #expect(FileManager.default.fileExists(atPath: temporary.path))

        #expect(rename(temporary.path, run.inbox.appendingPathComponent(source.lastPathComponent).path) == 0)
        try run.waitUntilDrained(timeout: 30)
        #expect(try harness.ledger(workspace) == [ContentHash.sha256([UInt8](bytes))])
        #expect(
            FileManager.default.fileExists(
                atPath: run.inbox.appendingPathComponent("processed/\(source.lastPathComponent)").path))
        #expect(FileManager.default.fileExists(atPath: hidden.path))
        #expect(FileManager.default.fileExists(atPath: nested.appendingPathComponent(source.lastPathComponent).path))
        kill(daemon.processIdentifier, SIGINT)
        #expect(StreamRun.wait(daemon, timeout: 20) == 0)
    }

    // MARK: Helpers

    /// Cards of a batch ingest (in-process `IngestPipeline`, name order) of the harness's files.
    static func batchCards(_ harness: PipelineHarness) throws -> [String: String] {
        let workspace = try harness.workspace()
        let pipeline = try workspace.pipeline(configuration: .standard)
        for url in FeedFileList.sorted(harness.feed.files) { _ = try pipeline.ingest(url) }
        return try harness.storeCards(workspace)
    }

    static func distinctHashes(_ files: [URL]) throws -> Set<[UInt8]> {
        Set(try files.map { ContentHash.sha256([UInt8](try Data(contentsOf: $0))) })
    }

    /// Files still waiting in an inbox.
    static func waiting(_ inbox: URL) throws -> [String] {
        InboxWatcher.candidates(try FileManager.default.contentsOfDirectory(atPath: inbox.path)).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(
                atPath: inbox.appendingPathComponent($0).path, isDirectory: &isDirectory)
                && !isDirectory.boolValue
        }
    }

    /// Delivery order shuffled within 12-hour windows (so disorder stays well within L), cut
    /// into bursts of 1 to 40 files.
    static func schedule(_ files: [URL], random: inout Xoshiro256) -> [[URL]] {
        let windows = Dictionary(grouping: files) { FeedFileName($0.lastPathComponent)!.time / (12 * 3600) }
        var order: [URL] = []
        for key in windows.keys.sorted() {
            var window = windows[key]!
            for index in window.indices.reversed() where index > 0 {
                window.swapAt(index, Int(random.next() % UInt64(index + 1)))
            }
            order += window
        }
        var bursts: [[URL]] = []
        var rest = order[...]
        while !rest.isEmpty {
            let size = 1 + Int(random.next() % 40)
            bursts.append(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return bursts
    }
}

/// One streaming run: its own scratch database, state and inbox, and its child processes' logs.
struct StreamRun {
    let harness: PipelineHarness
    let databaseURL: String
    let state: URL
    let inbox: URL
    let logs: URL

    init(harness: PipelineHarness) throws {
        self.harness = harness
        databaseURL = try SharedTestDatabase.makeScratchDatabase(label: "streamrun")
        state = harness.directory.appendingPathComponent("stream-state")
        inbox = harness.directory.appendingPathComponent("inbox")
        logs = harness.directory.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        // The child loads cells from the store: put them there first.
        try Workspace(stateDirectory: state, databaseURL: databaseURL).loadingCells(from: harness.feed.cells)
    }

    func workspace() throws -> Workspace { try Workspace(stateDirectory: state, databaseURL: databaseURL) }

    /// Starts `itinerary stream` on the inbox; its stderr goes to the next log file.
    func start(_ arguments: [String]) throws -> Process {
        let index = (try FileManager.default.contentsOfDirectory(atPath: logs.path)).count
        let log = logs.appendingPathComponent("\(index).log")
        #expect(FileManager.default.createFile(atPath: log.path, contents: nil))
        let process = Process()
        process.executableURL = PipelineHarness.executable
        process.arguments =
            ["stream", "--inbox", inbox.path, "--database", databaseURL, "--state", state.path] + arguments
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    func log(_ index: Int) -> String {
        (try? String(contentsOf: logs.appendingPathComponent("\(index).log"), encoding: .utf8)) ?? ""
    }

    func waitForLog(_ index: Int, containing text: String, timeout: Double) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !log(index).contains(text) {
            guard Date() < deadline else {
                throw StreamTestError("no '\(text)' in log \(index) after \(timeout) s:\n\(log(index))")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Fetches `/metrics` from the port the daemon logged (with curl).
    func scrapeMetrics(logIndex: Int) throws -> String {
        try waitForLog(logIndex, containing: "/metrics", timeout: 10)
        guard let range = log(logIndex).range(of: #"http://[^ ]+/metrics"#, options: .regularExpression) else {
            throw StreamTestError("no metrics URL in the log")
        }
        let url = String(log(logIndex)[range]).replacingOccurrences(of: "0.0.0.0", with: "127.0.0.1")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-sf", "--max-time", "5", url]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func waitUntilDrained(timeout: Double) throws {
        try Self.waitUntilDrained(inbox, timeout: timeout)
    }

    static func waitUntilDrained(_ inbox: URL, timeout: Double) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !(try StreamTests.waiting(inbox)).isEmpty {
            guard Date() < deadline else { throw StreamTestError("\(inbox.path) not drained after \(timeout) s") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// The exit status, or nil if it did not exit in time (it is then killed) or died of a signal.
    static func wait(_ process: Process, timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }
}

/// Delivers files into an inbox the way carriers do: by rename, in bursts, now and then a
/// duplicate (a resend under another name), a corrupt copy, or a slow writer under `.tmp`.
struct Dropper {
    let inbox: URL
    var random: Xoshiro256
    var corruptRate: UInt64 = 8
    var slowRate: Double = 0.1
    private(set) var corrupt: Set<String> = []
    private(set) var duplicates = 0
    private var sequence = 5000

    init(inbox: URL, random: Xoshiro256, corruptRate: UInt64 = 8, slowRate: Double = 0.1) {
        self.inbox = inbox
        self.random = random
        self.corruptRate = corruptRate
        self.slowRate = slowRate
    }

    mutating func burst(_ files: [URL]) throws {
        for url in files {
            let bytes = try Data(contentsOf: url)
            if Double(random.next() % 1000) / 1000 < slowRate {
                try slowly(bytes, name: url.lastPathComponent)
            } else {
                try deliver(bytes, name: url.lastPathComponent)
            }
            let roll = random.next() % 100
            if roll < 4 {
                try deliver(bytes, name: renamed(url))  // a resend: same content, another name
                duplicates += 1
            } else if corruptRate > 0, roll < 4 + corruptRate, bytes.count > 20 {
                let name = renamed(url)
                try deliver(bytes.prefix(bytes.count - 1 - Int(random.next() % 10)), name: name)
                corrupt.insert(name)
            }
        }
        Thread.sleep(forTimeInterval: Double(random.next() % 150) / 1000)
    }

    private mutating func renamed(_ url: URL) -> String {
        let name = FeedFileName(url.lastPathComponent)!
        sequence += 1
        return FeedFileName(carrier: name.carrier, time: name.time, sequence: sequence).description
    }

    /// Writes under a dot-free `.tmp` name, then renames into place.
    private func deliver(_ bytes: Data, name: String) throws {
        let temporary = inbox.appendingPathComponent(name + ".tmp")
        try bytes.write(to: temporary)
        guard rename(temporary.path, inbox.appendingPathComponent(name).path) == 0 else {
            throw StreamTestError("rename \(name): \(errno)")
        }
    }

    private func slowly(_ bytes: Data, name: String) throws {
        let temporary = inbox.appendingPathComponent(name + ".tmp")
        #expect(FileManager.default.createFile(atPath: temporary.path, contents: nil))
        let handle = try FileHandle(forWritingTo: temporary)
        let half = bytes.count / 2
        try handle.write(contentsOf: bytes.prefix(half))
        Thread.sleep(forTimeInterval: 0.08)
        try handle.write(contentsOf: bytes.dropFirst(half))
        try handle.close()
        guard rename(temporary.path, inbox.appendingPathComponent(name).path) == 0 else {
            throw StreamTestError("rename \(name): \(errno)")
        }
    }
}

struct StreamTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
