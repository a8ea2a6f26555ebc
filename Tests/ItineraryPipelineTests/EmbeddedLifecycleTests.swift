import Foundation
import ItineraryStore
import Testing

/// A command that starts the embedded cluster stops it when done; one that found it running
/// (another process's) leaves it be.
@Suite struct EmbeddedLifecycleTests {
    @Test func commandsStopOnlyTheClusterTheyStarted() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent(
            "itinerary-lifecycle-\(UUID().uuidString.prefix(8))")
        let cells = SampleCardsTests.samples.appendingPathComponent("cells.csv").path
        func load() throws -> Int32 {
            let process = Process()
            process.executableURL = PipelineHarness.executable
            process.arguments = ["cells", "load", "--state", state.path, cells]
            var environment = ProcessInfo.processInfo.environment
            environment["DATABASE_URL"] = nil
            environment["PGHOST"] = nil
            process.environment = environment
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        let cluster = EmbeddedPostgres(stateDirectory: state)
        #expect(try load() == 0)
        #expect(try cluster.isRunning() == false)

        try cluster.start()
        defer { try? cluster.stop() }
        #expect(try load() == 0)
        #expect(try cluster.isRunning() == true)
    }
}
