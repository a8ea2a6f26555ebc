import Foundation
import ItineraryTestTags
import Testing

/// The offline command as a person (or another program) runs it: the built `itinerary` binary.
@Suite(.tags(.integration)) struct CardsCommandTests {
    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try PipelineHarness.run(PipelineHarness.executable, arguments)
    }

    @Test func samplesThroughTheBinaryGiveTheExpectedCardsAndKeepEveryReject() throws {
        let samples = SampleCardsTests.samples
        let rejects = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rejects-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: rejects) }
        let result = try Self.run([
            "cards", "--cells", samples.appendingPathComponent("cells.csv").path,
            "--risk", samples.appendingPathComponent("risk.csv").path,
            "--contacts", samples.appendingPathComponent("contacts.csv").path,
            "--at", "2022-05-15T00:00:00Z", "--now", "2022-05-15T00:00:00Z", "--rejects", rejects.path,
            samples.appendingPathComponent("feeds").path,
        ])
        #expect(result.status == 0)
        let expected = try String(contentsOf: samples.appendingPathComponent("expected-cards.jsonl"), encoding: .utf8)
        #expect(result.stdout == expected)
        // The summary names every outcome; the rejects file holds one line per rejected record.
        let summary = try #require(result.stderr.split(separator: "\n").last.map(String.init))
        #expect(summary.contains("late 0"))
        let rejected = try #require(summary.firstMatch(of: /rejected (\d+)/).map { Int($0.1)! })
        let lines = try String(contentsOf: rejects, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == rejected && rejected > 0)
        let first = try #require(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(Set(first.keys) == ["file", "line", "reason", "raw"])
    }

    @Test func ingestWithTheDatabaseAwayExitsNonZeroWithAClearError() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent(
            "itinerary-nodb-\(UUID().uuidString.prefix(8))")
        let result = try Self.run([
            "ingest", "--database", "host=/nonexistent/socket dbname=itinerary connect_timeout=2", "--state",
            state.path,
            SampleCardsTests.samples.appendingPathComponent("feeds").path,
        ])
        #expect(result.status != 0)
        #expect(result.stderr.contains("/nonexistent/socket"), "\(result.stderr)")
    }

    @Test func badArgumentsFailWithAMessage() throws {
        let missing = try Self.run([
            "cards", "--cells", "/nonexistent/cells.csv", "--at", "2022-05-15T00:00:00Z", "/nonexistent",
        ])
        #expect(missing.status != 0)
        #expect(!missing.stderr.isEmpty)
        let badTime = try Self.run(["cards", "--cells", "x", "--at", "yesterday", "y"])
        #expect(badTime.status != 0)
        #expect(badTime.stderr.contains("RFC 3339"))
    }
}
