import Foundation
import ItineraryCore
import ItineraryPipeline
import ItineraryPostgres
import ItinerarySimulation
import ItineraryStore
import ItineraryTestSupport
import ItineraryTestTags
import Testing

/// Exactly once under failure (docs/feed-format.md): a process killed at any moment, or a database that goes
/// away, leaves the store as some prefix of whole files, and a restart completes it.
@Suite(.tags(.integration), .serialized) struct CrashSafetyTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func killedIngestResumesToTheSameCards(seed: UInt64) throws {
        let harness = try PipelineHarness(label: "crash\(seed)", phones: 150, days: 5, seed: seed)
        let reference = try harness.workspace()
        let pipeline = try reference.pipeline(configuration: .standard)
        for url in harness.feed.files { _ = try pipeline.ingest(url) }
        let expectedCards = try harness.storeCards(reference)
        let expectedLedger = try harness.ledger(reference)

        let databaseURL = try SharedTestDatabase.makeScratchDatabase(label: "crashrun")
        let state = harness.directory.appendingPathComponent("crash-state")
        var delays: [Double] = [0.3, 0.45, 0.6, 0.9, 1.2]
        var kills = 0
        var finished = false
        var random = Xoshiro256(seed: seed)
        while !finished {
            let process = Process()
            process.executableURL = PipelineHarness.executable
            // Small batches: many commits for a kill to land between.
            process.arguments = [
                "ingest", "--database", databaseURL, "--state", state.path, "--records-per-commit", "3000",
                harness.directory.appendingPathComponent("generated/feeds").path,
            ]
            process.standardError = FileHandle.nullDevice
            // The child loads cells from the store: make sure they are there first.
            if kills == 0 {
                try Workspace(stateDirectory: state, databaseURL: databaseURL).loadingCells(from: harness.feed.cells)
            }
            try process.run()
            if let delay = delays.first {
                delays.removeFirst()
                Thread.sleep(forTimeInterval: delay + Double(random.next() % 300) / 1000)
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    kills += 1
                }
            }
            process.waitUntilExit()
            finished = process.terminationReason == .exit && process.terminationStatus == 0
            #expect(process.terminationReason == .uncaughtSignal || process.terminationStatus == 0)
        }
        let resumed = try Workspace(stateDirectory: state, databaseURL: databaseURL)
        #expect(kills > 0, "the run finished before any kill: make the feed larger")
        #expect(try harness.storeCards(resumed) == expectedCards)
        #expect(try harness.ledger(resumed) == expectedLedger)
    }

    @Test func databaseGoingAwayStopsWithAClearErrorAndNothingHalfApplied() throws {
        let harness = try PipelineHarness(label: "dbgone", phones: 30, days: 3)
        let cluster = EmbeddedPostgres(stateDirectory: harness.directory.appendingPathComponent("own-cluster"))
        try cluster.start()
        let workspace = try Workspace(stateDirectory: harness.stateDirectory, databaseURL: cluster.connectionString)
        try workspace.loadingCells(from: harness.feed.cells)
        let pipeline = try workspace.pipeline(configuration: .standard)
        let files = FeedFileList.sorted(harness.feed.files)
        let half = files.count / 2
        for url in files.prefix(half) { _ = try pipeline.ingest(url) }
        try cluster.stop()
        #expect {
            _ = try pipeline.ingest(files[half])
        } throws: { error in
            (error as? PostgresError)?.isConnectionFailure == true
        }
        try cluster.start()
        defer { try? cluster.stop() }
        // The store holds exactly the files that committed, and their cards.
        let reopened = try Workspace(stateDirectory: harness.stateDirectory, databaseURL: cluster.connectionString)
        let committed = Set(try files.prefix(half).map { ContentHash.sha256([UInt8](try Data(contentsOf: $0))) })
        #expect(try harness.ledger(reopened) == committed)
        #expect(
            try harness.storeCards(reopened) == harness.offlineCards(Array(files.prefix(half)), places: reopened.places)
        )
        // And the same pipeline carries on once the database is back.
        for url in files.dropFirst(half) { _ = try pipeline.ingest(url) }
        #expect(try harness.storeCards(reopened) == harness.offlineCards(files, places: reopened.places))
    }
}
