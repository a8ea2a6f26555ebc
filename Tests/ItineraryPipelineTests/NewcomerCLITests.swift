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
}
