import Foundation
import ItinerarySimulation
import ItineraryTestTags
import Testing

/// What a newcomer types at the built `itinerary` binary, and what it answers.
@Suite(.tags(.integration)) struct NewcomerCLITests {
    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try PipelineHarness.run(PipelineHarness.executable, arguments, in: FileManager.default.temporaryDirectory)
    }

    static var missingState: String {
        FileManager.default.temporaryDirectory.appendingPathComponent("no-state-\(UUID().uuidString.prefix(8))").path
    }

    /// `card` reads the number as typed, quoted or not; the number is accepted when the command
    /// goes on to look for the store (which is missing here).
    @Test(arguments: [
        ["+86 131 9376 9632"], ["+86", "131", "9376", "9632"], ["131-9376-9632"], ["(86) 131.9376.9632"],
        ["１３１９３７６９６３２"], ["＋８６", "131", "9376", "9632"],
    ])
    func cardTakesTheNumberAsTyped(_ phone: [String]) throws {
        let result = try Self.run(["card", "--state", Self.missingState] + phone)
        #expect(result.status == 1 && result.stderr.contains("no embedded cluster"), "\(phone): \(result.stderr)")
    }

    @Test(arguments: [
        (["131-9376-963"], "10 digits where a mobile number has 11"), (["+1", "131", "9376", "9632"], "not +86"),
        (["131 9376 963x"], "'x' is not a digit"),
    ])
    func cardSaysWhatIsWrongWithTheNumber(_ phone: [String], _ words: String) throws {
        let result = try Self.run(["card", "--state", Self.missingState] + phone)
        #expect(result.status == 64, "\(phone)")
        #expect(result.stderr.contains(words), "\(phone): \(result.stderr)")
        #expect(!result.stderr.contains("Usage:"), "\(result.stderr)")
    }

    /// Runs the binary as an account that may not write `directory`: `nobody` under root (root
    /// may write anything), else the current user with the directory made read-only.
    static func runUnprivileged(_ arguments: [String], directory: URL) throws -> (status: Int32, stderr: String) {
        if geteuid() == 0 {
            let result = try PipelineHarness.run(
                URL(fileURLWithPath: "/usr/bin/setpriv"),
                ["--reuid=nobody", "--regid=nogroup", "--clear-groups", PipelineHarness.executable.path] + arguments,
                in: FileManager.default.temporaryDirectory)
            return (result.status, result.stderr)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path) }
        let result = try run(arguments)
        return (result.status, result.stderr)
    }

    /// A state directory the program may not create says so with the path, not as
    /// `NSCocoaErrorDomain error 513`.
    @Test func aPermissionProblemNamesThePathAndWhatIsNotAllowed() throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent(
            "locked-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: parent) }
        let state = parent.appendingPathComponent("state").path
        let result = try Self.runUnprivileged(["ingest", "--state", state, parent.path], directory: parent)
        #expect(result.status == 1)
        #expect(
            result.stderr.contains("not allowed to create or change \(state): permission denied"), "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain") && !result.stderr.contains("operation could not"))
    }

    /// Ingesting the same files again says so in one summary line, not a line per file;
    /// `--verbose` names each file.
    @Test func reIngestingPrintsASummaryNotALinePerFile() throws {
        let harness = try PipelineHarness(label: "reingest", phones: 5, days: 2)
        _ = try harness.workspace()
        let feeds = harness.directory.appendingPathComponent("generated/feeds").path
        let store = ["--database", harness.databaseURL, "--state", harness.stateDirectory.path]
        let count = harness.feed.files.count
        #expect(count > 3)
        let first = try ChildProcess.run(["ingest"] + store + [feeds])
        #expect(first.wait(timeout: 120) == 0, "\(first.stderr)")
        #expect(!first.stderr.split(separator: "\n").contains { $0.hasPrefix("applied ") }, "\(first.stderr)")

        let again = try ChildProcess.run(["ingest"] + store + [feeds])
        #expect(again.wait(timeout: 120) == 0)
        let lines = again.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(again.stderr)")
        #expect(lines.first?.hasPrefix("files 0 applied, \(count) skipped (already ingested), 0 refused") == true)

        let verbose = try ChildProcess.run(["ingest", "--verbose"] + store + [feeds])
        #expect(verbose.wait(timeout: 120) == 0)
        let named = verbose.stderr.split(separator: "\n").filter {
            $0.hasPrefix("skipped ") && $0.hasSuffix(": already ingested")
        }
        #expect(named.count == count, "\(verbose.stderr)")
    }
}
