import Foundation
import Testing

/// What a newcomer types at the built `itinerary` binary, and what it answers.
@Suite struct NewcomerCLITests {
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
}
