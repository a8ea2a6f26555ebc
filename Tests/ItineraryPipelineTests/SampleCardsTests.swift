import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryPipeline
import ItineraryTestTags
import Testing

/// The shipped samples produce exactly the shipped expected cards (Samples/README.md).
@Suite(.tags(.unit)) struct SampleCardsTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Samples")
    static let time = UTCTimestamp.parse("2022-05-15T00:00:00Z")!

    @Test func samplesGiveTheExpectedCards() throws {
        let places = PlaceDirectory(divisions: try Divisions.load(), countries: try Countries.load())
        let cells = try CellTable.load(contentsOf: Self.samples.appendingPathComponent("cells.csv"), directory: places)
        let risk = try RiskAreas.load(contentsOf: Self.samples.appendingPathComponent("risk.csv"), directory: places)
        let contacts = try CloseContacts.load(contentsOf: Self.samples.appendingPathComponent("contacts.csv"))
        let job = OfflineCards(
            reader: FeedReader(directory: places, cells: cells),
            rules: CardRules(risk: RiskMap(risk)), contacts: contacts)
        var rejected = 0
        var lines: [String] = []
        let result = try job.run(
            files: try FeedFileList.files(in: [Self.samples.appendingPathComponent("feeds").path]),
            at: Self.time, now: Self.time
        ) { _ in
            rejected += 1
        } emit: {
            lines.append($1.jsonLine(phone: $0))
        }
        let expected = try String(
            contentsOf: Self.samples.appendingPathComponent("expected-cards.jsonl"), encoding: .utf8
        )
        .split(separator: "\n").map(String.init)
        #expect(lines == expected)
        // Nothing lost: every line read is accepted, a duplicate, late or rejected with a reason.
        let counts = result.counts
        #expect(counts.records == counts.accepted + counts.duplicates + counts.late + counts.rejectedCount)
        #expect(rejected == counts.late + counts.rejectedCount)
        #expect(counts.late == 0)
        // The sample exercises every colour, stars and both exposure levels.
        for needle in [
            #""color":"green""#, #""color":"yellow""#, #""color":"orange""#, #""starred":true"#,
            #""exposure":"medium""#, #""exposure":"high""#, #""kind":"country""#,
        ] {
            #expect(expected.contains { $0.contains(needle) }, "samples lack \(needle)")
        }
    }
}
