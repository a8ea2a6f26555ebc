import Foundation
import ItineraryCore
import ItineraryTestTags
import Testing

@testable import ItineraryFeed

@Suite(.tags(.unit)) struct FeedFileNameTests {
    @Test func parsesAValidName() throws {
        let name = try #require(FeedFileName("cmcc-20220501080000-0007.csv.zst"))
        #expect(name.carrier == .cmcc)
        #expect(name.time == UTCTimestamp.parse("2022-05-01T08:00:00Z"))
        #expect(name.sequence == "0007")
        #expect(FeedFileName("cbn-20240229235959-1.csv.zst")?.carrier == .cbn)
    }

    @Test(arguments: [
        "cmcc-20220501080000-0007.csv",  // no .zst
        "cmcc-20220501080000-0007.csv.gz",
        "xcmcc-20220501080000-0007.csv.zst",  // unknown carrier
        "CMCC-20220501080000-0007.csv.zst",  // carrier ids are lower case
        "cmcc-2022050108000-0007.csv.zst",  // 13 digits
        "cmcc-20220230080000-0007.csv.zst",  // 30 February
        "cmcc-20230229080000-0007.csv.zst",  // not a leap year
        "cmcc-20221301080000-0007.csv.zst",  // month 13
        "cmcc-20220501240000-0007.csv.zst",  // hour 24
        "cmcc-20220501086000-0007.csv.zst",  // minute 60
        "cmcc-20220501080060-0007.csv.zst",  // second 60
        "cmcc-20220501080000-.csv.zst",  // no sequence
        "cmcc-20220501080000-00a7.csv.zst",  // letters in the sequence
        "cmcc-20220501080000-0007-x.csv.zst",
        "cmcc_20220501080000_0007.csv.zst",
        ".csv.zst",
        "",
    ])
    func refusesBadNames(_ name: String) {
        #expect(FeedFileName(name) == nil)
    }

    @Test func badNameRefusesTheWholeFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        let url = directory.appendingPathComponent("cmcc-20220501080000.csv.zst")
        try Data(ZstdCompressor.compress(Array("\(Fixtures.header)\n".utf8))).write(to: url)
        #expect(throws: FeedError.badFileName("cmcc-20220501080000.csv.zst")) {
            try Fixtures.reader.read(contentsOf: url, now: 0) { _ in Issue.record("no record may be read") }
        }
    }

    @Test func buildsCanonicalNamesInDeliveryOrder() throws {
        let early = FeedFileName(carrier: .ctcc, time: 1_651_392_000, sequence: 7)
        #expect(early.description == "ctcc-20220501080000-0007.csv.zst")
        let later = FeedFileName(carrier: .cbn, time: 1_651_395_600, sequence: 1)
        let sameHour = FeedFileName(carrier: .ctcc, time: 1_651_392_000, sequence: 12)
        #expect([later, sameHour, early].sorted() == [early, sameHour, later])
    }
}
