import Foundation
import ItineraryStore
import ItineraryTestTags
import Testing

/// A command that starts the embedded cluster stops it when done; one that found it running
/// (another process's) leaves it be; of several `itinerary` processes on it, the last to stop
/// stops it, whichever it is and however the others ended.
@Suite(.tags(.integration), .serialized) struct EmbeddedLifecycleTests {
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

    /// `serve` and `stream` on the embedded default store: the cluster runs while either does
    /// and stops with the last; a `kill -9` of one neither stops it under the other nor leaves it
    /// running once the other stops.
    @Test func theLastProgramUsingTheClusterStopsIt() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent(
            "itinerary-users-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: state) }
        let logs = state.appendingPathExtension("logs")
        defer { try? FileManager.default.removeItem(at: logs) }
        let cluster = EmbeddedPostgres(stateDirectory: state)
        defer { try? cluster.stop() }
        let cells = SampleCardsTests.samples.appendingPathComponent("cells.csv").path
        let load = try EmbeddedChild(["cells", "load", "--state", state.path, cells], logs: logs)
        #expect(load.wait() == 0)
        #expect(try cluster.isRunning() == false)

        // Either order of stopping, then a kill -9.
        for (first, second) in [("serve", "stream"), ("stream", "serve"), ("serve-killed", "stream")] {
            let serve = try EmbeddedChild(
                ["serve", "--state", state.path, "--host", "127.0.0.1", "--port", "0"], logs: logs)
            try serve.waitForLog("lookup service on http://")
            let stream = try EmbeddedChild(
                ["stream", "--state", state.path, "--inbox", state.appendingPathComponent("inbox").path], logs: logs)
            try stream.waitForLog("streaming")
            let children = ["serve": serve, "stream": stream, "serve-killed": serve]
            if first == "serve-killed" {
                kill(serve.pid, SIGKILL)
                #expect(serve.wait() == 128 + SIGKILL)
            } else {
                kill(children[first]!.pid, SIGTERM)
                #expect(children[first]!.wait() == 0, "\(first): \(children[first]!.log)")
            }
            #expect(try cluster.isRunning() == true, "stopped under \(second) when \(first) ended")
            kill(children[second]!.pid, SIGTERM)
            #expect(children[second]!.wait() == 0, "\(second): \(children[second]!.log)")
            #expect(try cluster.isRunning() == false, "still running after \(first), then \(second), ended")
        }
    }
}

/// An `itinerary` child on the embedded store (no `DATABASE_URL`, no `PG*`), its stderr in a file.
private final class EmbeddedChild {
    let process = Process()
    let logURL: URL

    init(_ arguments: [String], logs: URL) throws {
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        logURL = logs.appendingPathComponent("\(arguments[0])-\(UUID().uuidString.prefix(8)).log")
        #expect(FileManager.default.createFile(atPath: logURL.path, contents: nil))
        process.executableURL = PipelineHarness.executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = nil
        environment["PGHOST"] = nil
        process.environment = environment
        process.standardError = try FileHandle(forWritingTo: logURL)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    var pid: pid_t { process.processIdentifier }
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    func waitForLog(_ text: String, timeout: Double = 120) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !log.contains(text), process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(log.contains(text), "no '\(text)' in \(log)")
    }

    /// The exit status (128 + the signal when a signal ended it); killed after `timeout` seconds.
    func wait(timeout: Double = 120) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            Issue.record("\(process.arguments ?? []) still running after \(timeout) s: killed")
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
        return process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(pid, SIGKILL) }
    }
}
