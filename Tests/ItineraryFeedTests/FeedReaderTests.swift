import Foundation
import ItineraryCore
import ItineraryTestTags
import Testing

@testable import ItineraryFeed

@Suite(.tags(.unit)) struct FeedReaderTests {
    let beijing = PlaceCode(adcode: 110000)!
    let shanghai = PlaceCode(adcode: 310000)!

    @Test func readsValidRecords() throws {
        let csv = """
            \(Fixtures.header)
            13800138000,1651392000,460,00,4113,12345,lu
            8613800138000,1651392060,460,007,4113,777,call
            +8613900139000,1651392120,460,01,20001,68719476735,ho
            13800138000,1651392180,440,10,1,2,data
            13800138000,1651392240,454,03,0,0,sms

            """
        let (items, summary) = try Fixtures.items(try Fixtures.file(csv))
        let records = items.compactMap(\.asRecord)
        #expect(records.map(\.line) == [2, 3, 4, 5, 6])
        #expect(
            records.map(\.phone.number) == [
                13_800_138_000, 13_800_138_000, 13_900_139_000, 13_800_138_000, 13_800_138_000,
            ])
        #expect(
            records.map(\.observation.place) == [
                beijing, beijing, shanghai, PlaceCode(iso2: "JP")!, PlaceCode(iso2: "HK")!,
            ])
        #expect(
            records.map(\.observation.time) == [
                1_651_392_000, 1_651_392_060, 1_651_392_120, 1_651_392_180, 1_651_392_240,
            ])
        #expect(summary.records == 5 && summary.valid == 5 && summary.rejectedCount == 0)
    }

    @Test(arguments: [
        ("13800138000,1651392000,460,00,4113,12345", FeedRejectReason.fieldCount),
        ("13800138000,1651392000,460,00,4113,12345,lu,extra", .fieldCount),
        ("13800138000,1651392000,460,00,4113,12345,lu,,,,,,,,,", .fieldCount),
        ("12800138000,1651392000,460,00,4113,12345,lu", .badMSISDN),
        ("1380013800,1651392000,460,00,4113,12345,lu", .badMSISDN),
        ("+8513800138000,1651392000,460,00,4113,12345,lu", .badMSISDN),
        (",1651392000,460,00,4113,12345,lu", .badMSISDN),
        ("13800138000,2022-05-01T08:00:00Z,460,00,4113,12345,lu", .badTime),
        ("13800138000,-5,460,00,4113,12345,lu", .badTime),
        ("13800138000,4294967296,460,00,4113,12345,lu", .badTime),
        ("13800138000,99999999999999999999999,460,00,4113,12345,lu", .badTime),
        ("13800138000,,460,00,4113,12345,lu", .badTime),
        ("13800138000,1651392000,46,00,4113,12345,lu", .badMCC),
        ("13800138000,1651392000,4600,00,4113,12345,lu", .badMCC),
        ("13800138000,1651392000,4a0,00,4113,12345,lu", .badMCC),
        ("13800138000,1651392000,460,0,4113,12345,lu", .badMNC),
        ("13800138000,1651392000,460,0000,4113,12345,lu", .badMNC),
        ("13800138000,1651392000,460,x1,4113,12345,lu", .badMNC),
        ("13800138000,1651392000,460,00,16777216,12345,lu", .badLAC),
        ("13800138000,1651392000,460,00,,12345,lu", .badLAC),
        ("13800138000,1651392000,460,00,4113,68719476736,lu", .badCellID),
        ("13800138000,1651392000,460,00,4113, 12345,lu", .badCellID),
        ("13800138000,1651392000,460,00,4113,12345,paging", .badEvent),
        ("13800138000,1651392000,460,00,4113,12345,LU", .badEvent),
        ("13800138000,1651392000,460,00,4113,12345,", .badEvent),
        // Past the file's name time (2022-05-01 08:00) by more than an hour: final, never replayed.
        ("13800138000,1700000601,460,00,4113,12345,lu", .afterFileTime),
        ("13800138000,1651395601,460,00,4113,99,lu", .afterFileTime),
        ("13800138000,1651392000,460,00,4113,99,lu", .unknownCell),
        ("13800138000,1651392000,460,02,4113,12345,lu", .unknownCell),
        ("13800138000,1651392000,001,01,4113,12345,lu", .unknownMCC),
        ("13800138000,1651392000,999,01,0,0,lu", .unknownMCC),
    ])
    func rejectsWithReasonLineAndRawText(line: String, reason: FeedRejectReason) throws {
        let csv = "\(Fixtures.header)\n13800138000,1651392000,460,00,4113,12345,lu\n\n\(line)\r\n"
        let (items, summary) = try Fixtures.items(try Fixtures.file(csv), now: 1_700_000_000)
        var reject = try #require(items.compactMap(\.asReject).first)
        // Only what a reference load or the clock can fix keeps its parsed record, for replay.
        #expect((reject.replayable != nil) == [.future, .unknownCell, .unknownMCC].contains(reason))
        #expect(
            reject.replayable.map {
                $0.phone.digits == "13800138000" && $0.cell.lac == Int(line.split(separator: ",")[4])
            } ?? true)
        reject.replayable = nil
        #expect(reject == FeedReject(file: "cmcc-20220501080000-0001.csv.zst", line: 4, reason: reason, raw: line))
        #expect(summary.records == 2 && summary.valid == 1 && summary.rejected == [reason: 1])
    }

    @Test func eventTimeAtTheFutureBoundaryIsAccepted() throws {
        // In a file closed at 2023-11-14 22:00, so the name time allows it.
        let csv = "\(Fixtures.header)\n13800138000,1700000600,460,00,4113,12345,lu\n"
        let file = try Fixtures.file(csv, name: "cmcc-20231114220000-0001.csv.zst")
        #expect(try Fixtures.items(file, now: 1_700_000_000).summary.valid == 1)
    }

    @Test func roamingPlaceIgnoresTheCellFields() throws {
        // An MCC other than 460 is the country even when the cell fields name a mainland cell.
        let csv = "\(Fixtures.header)\n13800138000,1651392000,450,00,4113,12345,lu\n"
        #expect(
            try Fixtures.items(try Fixtures.file(csv)).items.first?.asRecord?.observation.place == PlaceCode(iso2: "KR")
        )
    }

    @Test func crlfLineEndingsAndBlankLines() throws {
        let csv =
            "\(Fixtures.header)\r\n13800138000,1651392000,460,00,4113,12345,lu\r\n\r\n\r\n13800138000,1651392060,460,00,4113,12345,detach\r\n"
        let (items, summary) = try Fixtures.items(try Fixtures.file(csv))
        #expect(items.compactMap(\.asRecord).map(\.line) == [2, 5])
        #expect(summary.records == 2 && summary.valid == 2)
    }

    @Test func lastLineWithoutNewline() throws {
        let csv = "\(Fixtures.header)\n13800138000,1651392000,460,00,4113,12345,lu"
        #expect(try Fixtures.items(try Fixtures.file(csv)).summary.valid == 1)
    }

    @Test func headerInAnotherOrderWithExtraColumns() throws {
        let csv = """
            imsi_hash,event,cell_id,Event_Time,lac,mnc,mcc,msisdn,rat
            ab12,lu,12345,1651392000,4113,00,460,13800138000,LTE
            cd34,sms,777,1651392060,4113,07,460,8613800138000,NR
            ,data,1,1651392120,1,01,455,+8613800138000,

            """
        let (items, summary) = try Fixtures.items(try Fixtures.file(csv))
        #expect(items.compactMap(\.asRecord).map(\.observation.place) == [beijing, beijing, PlaceCode(iso2: "MO")!])
        #expect(summary.valid == 3)
    }

    @Test func byteOrderMarkBeforeTheHeader() throws {
        let csv = "\u{FEFF}\(Fixtures.header)\n13800138000,1651392000,460,00,4113,12345,lu\n"
        #expect(try Fixtures.items(try Fixtures.file(csv)).summary.valid == 1)
    }

    @Test func multiFrameFile() throws {
        let lines = (0..<1000).map { "13800138000,\(1_651_392_000 + $0),460,00,4113,12345,lu" }
        let csv = ([Fixtures.header] + lines).joined(separator: "\n") + "\n"
        let file = try Fixtures.file(csv, frames: 7)
        #expect(try Fixtures.items(file).summary.valid == 1000)
    }

    @Test func invalidUTF8IsRejectedPerLine() throws {
        var bytes = Array("\(Fixtures.header)\n".utf8)
        bytes += Array("13800138000,1651392000,460,00,4113,12345,l".utf8) + [0xFF, 0xFE] + [10]
        bytes += Array("13800138000,1651392000,460,00,4113,12345,lu\n".utf8)
        let file = try FeedFile(
            name: FeedFileName("cucc-20220501080000-0001.csv.zst")!, compressed: ZstdCompressor.compress(bytes))
        let (items, summary) = try Fixtures.items(file)
        #expect(items.compactMap(\.asReject).map(\.line) == [2])
        // Kept visibly, byte for byte: PostgreSQL text takes neither NUL nor invalid UTF-8.
        #expect(items.compactMap(\.asReject).first?.raw == "13800138000,1651392000,460,00,4113,12345,l\\xFF\\xFE")
        #expect(summary.valid == 1)
    }

    @Test func missingHeaderColumnRefusesTheFile() {
        #expect(throws: FeedError.missingHeader(missingColumns: ["lac"])) {
            try Fixtures.file("msisdn,event_time,mcc,mnc,cell_id,event\n13800138000,1651392000,460,00,12345,lu\n")
        }
        // A data line where the header should be.
        #expect(throws: FeedError.self) { try Fixtures.file("13800138000,1651392000,460,00,4113,12345,lu\n") }
        #expect(throws: FeedError.duplicateColumn("mcc")) { try Fixtures.file("\(Fixtures.header),mcc\n") }
    }

    @Test func emptyFilesAreRefused() {
        #expect(throws: FeedError.empty) { try Fixtures.file("") }
    }

    @Test func headerOnlyHasNoRecords() throws {
        let summary = try Fixtures.items(try Fixtures.file("\(Fixtures.header)\n")).summary
        #expect(summary.records == 0 && summary.valid == 0)
    }

    @Test func truncatedFileOnDiskIsRefusedWhole() throws {
        let directory = try Fixtures.temporaryDirectory()
        let url = directory.appendingPathComponent("ctcc-20220501080000-0002.csv.zst")
        let lines = (0..<2000).map { "13800138000,\(1_651_392_000 + $0),460,00,4113,12345,lu" }
        let compressed = ZstdCompressor.compress(
            Array((([Fixtures.header] + lines).joined(separator: "\n") + "\n").utf8))
        try Data(compressed.dropLast(3)).write(to: url)
        #expect(throws: FeedError.truncated) {
            try Fixtures.reader.read(contentsOf: url, now: 1_700_000_000) { _ in Issue.record("no record may be read") }
        }
        var corrupt = compressed
        corrupt[corrupt.count / 2] ^= 0x40
        try Data(corrupt).write(to: url)
        #expect(throws: FeedError.self) {
            try Fixtures.reader.read(contentsOf: url, now: 1_700_000_000) { _ in Issue.record("no record may be read") }
        }
    }

    @Test func unreadableFile() {
        let url = URL(fileURLWithPath: "/nonexistent/cmcc-20220501080000-0001.csv.zst")
        #expect(throws: FeedError.self) { try FeedFile(contentsOf: url) }
    }
}

@Suite(.tags(.unit)) struct FeedRecordBytesTests {
    @Test func recordBytesSpanTheLineWithoutItsEnding() throws {
        let line = "13800138000,1651392000,460,00,4113,12345,lu"
        let file = try Fixtures.file("\(Fixtures.header)\r\n\(line)\r\n")
        let record = try #require(try Fixtures.items(file).items.first?.asRecord)
        #expect(record.raw == line)
    }
}
