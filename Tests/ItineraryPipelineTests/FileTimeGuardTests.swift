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

/// The watermark guard (docs/feed-format.md) through every path: a record more than an hour after its file's
/// name time is rejected as `after_file_time`, kept with the rejects, and moves no watermark, in
/// `cards`, `ingest`, `stream`, `split` and for any number of workers.
@Suite(.tags(.integration), .serialized) struct FileTimeGuardTests {
    /// A generated backlog, and the same backlog with clock-glitched lines in some `cmcc` files
    /// (plain column order), each glitch one more line at the end of its file.
    struct GlitchedBacklog {
        let harness: PipelineHarness
        let reader: FeedReader
        /// The generated files, in delivery order.
        let clean: [URL]
        /// The same files, the glitched ones rewritten, in the same order.
        let glitched: [URL]
        /// Each glitch: its file, line, raw text and how far after the name time it is.
        let glitches: [(file: String, line: Int, raw: String, offset: Int64)]

        init(harness: PipelineHarness, glitches plan: [(fileIndex: Int, offset: Int64)], into name: String) throws {
            self.harness = harness
            let places = PlaceDirectory(divisions: try Divisions.load(), countries: try Countries.load())
            reader = FeedReader(
                directory: places, cells: try CellTable.load(contentsOf: harness.feed.cells, directory: places))
            clean = FeedFileList.sorted(harness.feed.files)
            let cmcc = clean.filter { $0.lastPathComponent.hasPrefix("cmcc-") }
            let cell = try String(contentsOf: harness.feed.cells, encoding: .utf8).split(separator: "\n")[1]
                .split(separator: ",").prefix(4).joined(separator: ",")
            let directory = harness.directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var extra: [URL: [(line: String, offset: Int64)]] = [:]
            for (index, (fileIndex, offset)) in plan.enumerated() {
                let url = cmcc[fileIndex % cmcc.count]
                let time = FeedFileName(url.lastPathComponent)!.time + offset
                let phone = harness.feed.phones[index % harness.feed.phones.count].digits
                extra[url, default: []].append(("\(phone),\(time),\(cell),call", offset))
            }
            var glitches: [(file: String, line: Int, raw: String, offset: Int64)] = []
            glitched = try clean.map { url in
                let copy = directory.appendingPathComponent(url.lastPathComponent)
                guard let lines = extra[url] else {
                    try FileManager.default.copyItem(at: url, to: copy)
                    return copy
                }
                var csv = try ZstdDecompressor.decompress(Array(Data(contentsOf: url)))
                if csv.last != UInt8(ascii: "\n") { csv.append(UInt8(ascii: "\n")) }
                var lineCount = csv.count(where: { $0 == UInt8(ascii: "\n") })
                for (line, offset) in lines {
                    csv += Array("\(line)\n".utf8)
                    lineCount += 1
                    glitches.append((url.lastPathComponent, lineCount, line, offset))
                }
                try Data(ZstdCompressor.compress(csv)).write(to: copy)
                return copy
            }
            self.glitches = glitches
        }

        /// One line a year after the name time of an early file.
        init(label: String) throws {
            try self.init(
                harness: try PipelineHarness(label: label, phones: 40, days: 4, seed: 31),
                glitches: [(fileIndex: 3, offset: 365 * 86_400)], into: "glitched")
        }

        /// The offline command's run of `files`, in the order given, with the wall clock as the
        /// ingest clock (so a line a year ahead of a 2022 backlog is not in the future).
        func offline(
            _ files: [URL], workers: Int = 1, sizes: FeedApplier<PhoneNumberNaming>.Sizes = .init()
        ) throws -> OfflineRun {
            var job = OfflineCards(reader: reader, rules: CardRules(), workers: workers)
            job.sizes = sizes
            var run = OfflineRun()
            let result = try job.run(
                files: files, at: harness.evaluationTime, now: Int64(Date().timeIntervalSince1970),
                reject: { run.rejects.append($0) }
            ) { phone, card in
                run.cards[phone.digits] = card.jsonLine(phone: phone)
            }
            run.counts = result.counts
            return run
        }
    }

    struct OfflineRun: Equatable {
        var cards: [String: String] = [:]
        var rejects: [FeedReject] = []
        var counts = FileOutcomeCounts()
    }

    // MARK: The golden case

    /// The issue's case: one line dated a year ahead in a backlog. Accepted, it would make most
    /// of the backlog late and leave no phone a card; rejected as `after_file_time`, the cards
    /// are the backlog's without it, offline with any workers, in the store and by `stream`.
    @Test func aLineAYearAheadIsRejectedAndTheCardsAreTheBacklogsWithoutIt() throws {
        let backlog = try GlitchedBacklog(label: "glitch")
        let glitch = try #require(backlog.glitches.first)
        let clean = try backlog.offline(backlog.clean)
        #expect(clean.cards.count == backlog.harness.feed.phones.count)

        // What the guard prevents: the same line in a file whose name allows it, applied in the
        // same place of the backlog, moves the watermark a year and most records are late.
        let index = try #require(backlog.glitched.firstIndex { $0.lastPathComponent == glitch.file })
        var unguarded = backlog.glitched
        let renamed = backlog.harness.directory.appendingPathComponent(
            FeedFileName(
                carrier: .cmcc, time: FeedFileName(glitch.file)!.time + glitch.offset, sequence: 1
            ).description)
        try FileManager.default.copyItem(at: backlog.glitched[index], to: renamed)
        unguarded[index] = renamed
        let wiped = try backlog.offline(unguarded)
        #expect(wiped.counts.late * 2 > wiped.counts.records, "late \(wiped.counts.late) of \(wiped.counts.records)")
        #expect(wiped.cards != clean.cards)

        for workers in [1, 2, 3] {
            let run = try backlog.offline(backlog.glitched, workers: workers)
            #expect(run.cards == clean.cards, "\(workers) workers")
            #expect(run.counts.late == clean.counts.late)
            #expect(run.counts.accepted == clean.counts.accepted)
            #expect(run.counts.records == clean.counts.records + 1)
            #expect(run.counts.rejected[.afterFileTime] == (clean.counts.rejected[.afterFileTime] ?? 0) + 1)
            let added = run.rejects.filter { !clean.rejects.contains($0) }
            #expect(
                added == [FeedReject(file: glitch.file, line: glitch.line, reason: .afterFileTime, raw: glitch.raw)])
        }

        // The store: ingest with one and two workers, and the streaming daemon's loop.
        let expected = try Self.stored(backlog.clean, backlog: backlog, workers: 1)
        for workers in [1, 2] {
            let stored = try Self.stored(backlog.glitched, backlog: backlog, workers: workers)
            #expect(stored.cards == expected.cards, "\(workers) workers")
            #expect(try stored.cards == backlog.harness.offlineCards(backlog.clean, places: stored.workspace.places))
            #expect(stored.watermarks == expected.watermarks)
            try Self.expectKept(glitch, in: stored.workspace)
        }
        let workspace = try Workspace(
            stateDirectory: backlog.harness.stateDirectory,
            databaseURL: try SharedTestDatabase.makeScratchDatabase(label: "glitchstream"))
        try workspace.loadingCells(from: backlog.harness.feed.cells)
        let watcher = InboxWatcher(inbox: backlog.harness.directory.appendingPathComponent("inbox"), settle: .zero)
        try watcher.prepare()
        for url in backlog.glitched {
            try FileManager.default.copyItem(at: url, to: watcher.inbox.appendingPathComponent(url.lastPathComponent))
        }
        let totals = try StreamRunner(
            pipeline: try workspace.pipeline(configuration: .standard, workers: 2), watcher: watcher,
            options: .init(once: true, filesPerCommit: 7)
        ).run()
        #expect(totals.refused == 0 && totals.deferred == 0)
        #expect(totals.counts.rejected[.afterFileTime] == (clean.counts.rejected[.afterFileTime] ?? 0) + 1)
        #expect(try backlog.harness.storeCards(workspace) == expected.cards)
        try Self.expectKept(glitch, in: workspace)
    }

    /// The store after ingesting `files`: cards, each file's watermark, late count and newest
    /// event, and the workspace.
    static func stored(
        _ files: [URL], backlog: GlitchedBacklog, workers: Int
    ) throws -> (cards: [String: String], watermarks: [String], workspace: Workspace) {
        let workspace = try Workspace(
            stateDirectory: backlog.harness.stateDirectory,
            databaseURL: try SharedTestDatabase.makeScratchDatabase(label: "glitch\(workers)"))
        try workspace.loadingCells(from: backlog.harness.feed.cells)
        let pipeline = try workspace.pipeline(configuration: .standard, workers: workers)
        try pipeline.ingest(files, recordsPerCommit: 20_000) { _, _ in }
        let watermarks = try workspace.connect().execute(
            """
            SELECT file_name || ' ' || late || ' ' || coalesce(watermark, 0) || ' ' || coalesce(newest_event, 0)
            FROM ingest_files ORDER BY id
            """
        ).rows { $0.string(0)! }
        return (try backlog.harness.storeCards(workspace), watermarks, workspace)
    }

    /// The glitched line is kept with the rejects: its line, reason, and its raw text with the
    /// number masked. (The file's name is kept masked as well, so it is found by its time.)
    static func expectKept(
        _ glitch: (file: String, line: Int, raw: String, offset: Int64), in workspace: Workspace
    ) throws {
        let fields = glitch.raw.split(separator: ",")
        let rows = try workspace.connect().execute(
            "SELECT raw FROM rejects WHERE line = $1 AND reason = 'after_file_time' AND raw LIKE $2",
            .int(Int64(glitch.line)), .text("%,\(fields[1]),%")
        ).rows { $0.string(0) ?? "" }
        #expect(rows.count == 1)
        #expect(rows.allSatisfy { !$0.contains(fields[0]) }, "\(rows)")
    }

    // MARK: The same decision everywhere

    /// Random glitches around the boundary (an hour less a second, an hour, an hour and a second,
    /// two hours, a year, ten years): every worker count and piece size, and every split into
    /// shards, reject exactly the lines more than an hour after their name time, with the same
    /// cards, counts and rejects as one worker on one node.
    @Test func theDecisionIsTheSameForAnyWorkersAndAnySplit() async throws {
        let harness = try PipelineHarness(label: "glitchprop", phones: 25, days: 3, seed: 41)
        let offsets: [Int64] = [3599, 3600, 3601, 7200, 365 * 86_400, 3650 * 86_400]
        let keyer = PhoneKeyer(secret: Array(PipelineHarness.secret.utf8))
        await propertyCheck(
            count: 6, input: Gen.int(in: 0...1_000_000), Gen.int(in: 2...6), Gen.int(in: 1...5),
            Gen.int(in: 1...20_000)
        ) { seed, workers, shards, pieceBytes in
            do {
                var random = Xoshiro256(seed: UInt64(seed))
                let plan = (0..<(1 + Int(random.next() % 6))).map { _ in
                    (fileIndex: Int(random.next() % 60), offset: offsets[Int(random.next() % UInt64(offsets.count))])
                }
                let backlog = try GlitchedBacklog(harness: harness, glitches: plan, into: "glitched-\(seed)")
                let single = try backlog.offline(backlog.glitched)
                // Each glitch's fate is the rule's: rejected exactly when over an hour late.
                for glitch in backlog.glitches {
                    let reject = single.rejects.first { $0.file == glitch.file && $0.line == glitch.line }
                    if glitch.offset > 3600 {
                        #expect(reject?.reason == .afterFileTime, "seed \(seed): \(glitch)")
                    } else {
                        #expect(reject == nil || reject?.reason == .late, "seed \(seed): \(glitch)")
                    }
                }
                let sizes = FeedApplier<PhoneNumberNaming>.Sizes(
                    pieceBytes: pieceBytes...(pieceBytes * 2), streamBatch: 1 + pieceBytes % 3000,
                    heldRecords: [1, 4096, 1 << 19][seed % 3])
                let parallel = try backlog.offline(backlog.glitched, workers: workers, sizes: sizes)
                #expect(parallel == single, "seed \(seed), \(workers) workers, pieces of \(pieceBytes)")

                let out = harness.directory.appendingPathComponent("split-\(seed)-\(shards)")
                let splitter = FeedSplitter(reader: backlog.reader, keyer: keyer, shards: PhoneShards(count: shards))
                for url in backlog.glitched {
                    _ = try splitter.split(url, into: out, now: harness.evaluationTime)
                }
                var cards: [String: String] = [:]
                var counts = FileOutcomeCounts()
                var rejects: [FeedReject] = []
                for shard in 0..<shards {
                    let parts = try FeedFileList.files(in: [FeedSplitter.directory(of: shard, in: out).path])
                    let run = try backlog.offline(parts)
                    cards.merge(run.cards) { first, _ in first }
                    counts += run.counts
                    rejects += run.rejects
                }
                #expect(cards == single.cards, "seed \(seed), \(shards) shards")
                #expect(counts == single.counts, "seed \(seed), \(shards) shards")
                #expect(Self.reasons(rejects) == Self.reasons(single.rejects), "seed \(seed), \(shards) shards")
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    /// Rejects as (file, reason) counts: a shard's part numbers its lines afresh.
    static func reasons(_ rejects: [FeedReject]) -> [String: Int] {
        rejects.reduce(into: [:]) { $0["\($1.file) \($1.reason.rawValue)", default: 0] += 1 }
    }
}
