import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryPipeline
import ItinerarySimulation
import ItineraryStore
import ItineraryTestTags
import Testing

/// What an operator can get wrong around a store: rule settings other than the store's, a cell
/// table that moves cells, a rejects replay over many rejects, a full disk.
@Suite(.tags(.integration)) struct StoreSettingsTests {
    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try PipelineHarness.run(PipelineHarness.executable, arguments)
    }

    // MARK: Rule settings belong to the store

    @Test func aStoreKeepsItsSettingsAndRefusesOthersWithoutTrapping() throws {
        let harness = try PipelineHarness(label: "settings", phones: 12, days: 3)
        let workspace = try harness.workspace()
        let week = RuleConfiguration(window: 7 * 86_400)
        let first = try workspace.pipeline(configuration: week)
        try first.ingest(FeedFileList.sorted(harness.feed.files)) { _, _ in }
        first.releaseWriterLock()

        // No option: the store's settings, not the defaults.
        #expect(try workspace.ruleConfiguration(RuleOverrides(), recording: true) == week)
        // Repeating the store's own is fine; any other is refused before anything is read.
        #expect(try workspace.ruleConfiguration(RuleOverrides(window: 7 * 86_400), recording: false) == week)
        #expect(throws: RuleSettingsError.self) { try workspace.pipeline(rules: RuleOverrides(lateness: 20 * 86_400)) }
        #expect(throws: RuleSettingsError.self) { try workspace.pipeline(configuration: .standard) }

        // Through the binary, as the issue found it: a clear error and status 1, never a signal.
        let base = ["--database", harness.databaseURL, "--state", harness.stateDirectory.path]
        for arguments in [
            ["ingest", "--lateness", "20d"] + base + [harness.feed.files[0].path],
            ["rejects", "replay", "--lateness", "20d"] + base,
            ["card", "13800138000", "--window", "14d"] + base,
        ] {
            let result = try Self.run(arguments)
            #expect(result.status == 1, "\(arguments[0]): \(result.stderr)")
            #expect(result.stderr.contains("this store was built with W=7d D=4h B=30m L=1d"), "\(result.stderr)")
        }

        // `purge --all` empties the store, settings included: the next writer sets new ones.
        let purge = try Self.run(["purge", "--all"] + base)
        #expect(purge.status == 0, "\(purge.stderr)")
        let after = try workspace.pipeline(configuration: .standard)
        after.releaseWriterLock()
        #expect(try RuleSettingsStore(connection: workspace.connect()).recorded() == .standard)
    }

    @Test func settingsThatCannotWorkAreUsageErrors() throws {
        for (arguments, message) in [
            (["--window", "14"], "with its unit"),
            (["--window", "0d"], "at least 1h"),
            (["--min-dwell", "20d"], "must not exceed the window"),
            (["--bridge", "15d"], "must not exceed the window"),
            (["--lateness", "9999999d"], "between 0 and 366d"),
        ] {
            let result = try Self.run(["cards", "--cells", "x.csv", "--at", "0"] + arguments + ["feeds"])
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        // The generator's own preconditions, once reachable from its options.
        for arguments in [["--phones", "0"], ["--days", "0"], ["--days", "-3"]] {
            let result = try Self.run(["generate", "--out", "/nonexistent/never-written"] + arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
        }
    }

    // MARK: Cell moves

    @Test func aCellTableThatMovesCellsIsRefusedUntilAllowedAndNamesTheMoves() throws {
        let harness = try PipelineHarness(label: "cellmoves", phones: 5, days: 1)
        let workspace = try harness.workspace()
        let original = try String(contentsOf: harness.feed.cells, encoding: .utf8)
        var rows = original.split(separator: "\n").map(String.init)
        // Move the first two cells to 济源市 (a city of its own), drop the third, add a new one.
        let moved = rows[1...2].map { row in row.split(separator: ",").dropLast().joined(separator: ",") + ",419001" }
        let removed = rows.remove(at: 3)
        rows.replaceSubrange(1...2, with: moved)
        rows.append("460,0,77,77,110101")
        let next = harness.directory.appendingPathComponent("moved-cells.csv")
        try (rows.joined(separator: "\n") + "\n").write(to: next, atomically: true, encoding: .utf8)
        #expect(!removed.isEmpty)

        let error = try #require(throws: CellMovesError.self) {
            try workspace.loadingCells(from: next, replacing: true)
        }
        #expect(error.moves.count == 2)
        #expect(error.moves.allSatisfy { $0.to.description == "419001" })
        #expect(error.description.contains("济源市") && error.description.contains("--allow-moves"))
        // Refused means nothing loaded: the table in force is the original one.
        let reference = ReferenceStore(connection: try workspace.connect())
        #expect(try reference.cells().count == original.split(separator: "\n").count - 1)

        let base = ["--database", harness.databaseURL, "--state", harness.stateDirectory.path]
        let refused = try Self.run(["cells", "load"] + base + [next.path])
        #expect(refused.status == 1 && refused.stderr.contains("moves 2 cells"), "\(refused.stderr)")
        let allowed = try Self.run(["cells", "load", "--allow-moves"] + base + [next.path])
        #expect(allowed.status == 0 && allowed.stderr.contains("2 moved to another city"), "\(allowed.stderr)")
        #expect(try reference.cells().count == rows.count - 1)
    }

    @Test func movesAreTheCellsInBothTablesWhoseCityChanged() throws {
        let places = PlaceDirectory(divisions: try Divisions.load(), countries: try Countries.load())
        let beijing = try #require(places.city(ofAdcode: 110101))
        let tianjin = try #require(places.city(ofAdcode: 120101))
        let cell = { (id: Int) in CellKey(mcc: 460, mnc: 0, lac: 1, cellID: id)! }
        let old = [(key: cell(1), city: beijing), (key: cell(2), city: beijing), (key: cell(3), city: tianjin)]
        let new = [(key: cell(2), city: tianjin), (key: cell(3), city: tianjin), (key: cell(4), city: beijing)]
        #expect(CellMove.between(old, new) == [CellMove(key: cell(2), from: beijing, to: tianjin)])
        #expect(CellMove.between(old, old).isEmpty)
    }

    // MARK: Rejects replay in chunks

    @Test func aReplayReadInSmallChunksEqualsOneReadWhole() throws {
        var outcomes: [ReplayOutcome] = []
        var cards: [[String: String]] = []
        for chunk in [7, 100_000] {
            let harness = try PipelineHarness(label: "replaychunks", phones: 20, days: 2)
            let workspace = try Workspace(stateDirectory: harness.stateDirectory, databaseURL: harness.databaseURL)
            let partial = try harness.partialCells(droppingEvery: 3)
            try workspace.loadingCells(from: partial)
            let first = try workspace.pipeline(configuration: .standard)
            try first.ingest(FeedFileList.sorted(harness.feed.files)) { _, _ in }
            first.releaseWriterLock()
            try workspace.loadingCells(from: harness.feed.cells, replacing: true)
            let outcome = try workspace.pipeline(configuration: .standard).replayRejects(chunkSize: chunk)
            #expect(outcome.examined > 3 * chunk || chunk > 1000)
            outcomes.append(outcome)
            cards.append(try harness.storeCards(workspace))
        }
        #expect(outcomes[0] == outcomes[1] && outcomes[0].applied > 0)
        #expect(cards[0] == cards[1])
    }

    // MARK: A full disk

    @Test func aFullDiskEndsWithAMessageAndLeavesNoOutputThatLooksComplete() throws {
        let samples = SampleCardsTests.samples
        let arguments = [
            "cards", "--cells", samples.appendingPathComponent("cells.csv").path,
            "--risk", samples.appendingPathComponent("risk.csv").path,
            "--contacts", samples.appendingPathComponent("contacts.csv").path,
            "--at", "2022-05-15T00:00:00Z", "--now", "2022-05-15T00:00:00Z",
            samples.appendingPathComponent("feeds").path,
        ]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "fulldisk-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cards = directory.appendingPathComponent("cards.jsonl").path
        let rejects = directory.appendingPathComponent("rejects.jsonl").path
        /// `itinerary ARGUMENTS` under a shell `prelude`, its standard output to `stdout`.
        func run(
            _ prelude: String, extra: [String] = [], stdout: String = "/dev/null"
        ) throws
            -> (status: Int32, stdout: String, stderr: String)
        {
            try PipelineHarness.run(
                URL(fileURLWithPath: "/bin/sh"),
                [
                    "-c", prelude + #"; b="$1"; shift; exec "$b" "$@" > "# + stdout, "sh",
                    PipelineHarness.executable.path,
                ]
                    + arguments + extra)
        }

        // Standard output on a device that is always full.
        let full = try run(":", stdout: "/dev/full")
        #expect(full.status == 1, "\(full.stderr)")
        #expect(full.stderr.contains("cannot write standard output: No space left on device"), "\(full.stderr)")

        // Files past a size limit (what a full disk does to a file), with the signal ignored so the
        // write fails instead: neither the cards nor the rejects file appears, nor a partial one.
        let limited = try run("trap '' XFSZ; ulimit -f 8", extra: ["--out", cards, "--rejects", rejects])
        #expect(limited.status == 1, "\(limited.stderr)")
        #expect(limited.stderr.contains("cannot write"), "\(limited.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [])

        // With room, both appear, whole.
        let whole = try run(":", extra: ["--out", cards, "--rejects", rejects])
        #expect(whole.status == 0, "\(whole.stderr)")
        let expected = try String(contentsOf: samples.appendingPathComponent("expected-cards.jsonl"), encoding: .utf8)
        #expect(try String(contentsOfFile: cards, encoding: .utf8) == expected)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == [
                "cards.jsonl", "rejects.jsonl",
            ])
    }
}
