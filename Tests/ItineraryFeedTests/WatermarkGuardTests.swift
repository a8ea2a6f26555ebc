import Foundation
import ItineraryCore
import ItineraryTestTags
import PropertyBased
import Testing

@testable import ItineraryFeed

/// The watermark guard (docs/feed-format.md): a record more than an hour after the time in its file's name
/// (when the carrier closed the file) is rejected as `after_file_time`, whatever the clock.
@Suite(.tags(.unit)) struct WatermarkGuardTests {
    /// 2022-05-01T08:00:00Z, the time in `Fixtures.file`'s default name.
    static let nameTime: Int64 = 1_651_392_000

    static func reject(
        _ line: String, name: String = "cmcc-20220501080000-0001.csv.zst", now: Int64
    ) throws
        -> FeedReject?
    {
        let file = try Fixtures.file("\(Fixtures.header)\n\(line)\n", name: name)
        return try Fixtures.items(file, now: now).items.first?.asReject
    }

    @Test func anHourAfterTheNameTimeIsTheLastTimeAccepted() throws {
        let now = Self.nameTime + 365 * 86_400
        #expect(try Self.reject("13800138000,\(Self.nameTime + 3600),460,00,4113,12345,lu", now: now) == nil)
        let after = try #require(try Self.reject("13800138000,\(Self.nameTime + 3601),460,00,4113,12345,lu", now: now))
        #expect(after.reason == .afterFileTime && after.line == 2 && after.replayable == nil)
        #expect(after.raw == "13800138000,\(Self.nameTime + 3601),460,00,4113,12345,lu")
    }

    /// A line both after its file's time and ahead of the clock is `after_file_time`, which no
    /// clock can undo (a `future` reject is replayed once the clock passes it).
    @Test func theNameTimeDecidesBeforeTheClock() throws {
        let line = "13800138000,\(Self.nameTime + 7200),460,00,4113,12345,lu"
        let both = try #require(try Self.reject(line, now: Self.nameTime))
        #expect(both.reason == .afterFileTime && both.replayable == nil)
        // In a file closed at that hour, the same line is only ahead of the clock: replayable.
        let future = try #require(try Self.reject(line, name: "cmcc-20220501100000-0001.csv.zst", now: Self.nameTime))
        #expect(future.reason == .future && future.replayable != nil)
    }

    @Test func reasonsKeepTheirOrderAndCounters() {
        let reasons = FeedRejectReason.allCases
        #expect(reasons.map(\.index) == Array(reasons.indices))
        #expect(reasons.sorted() == reasons)
        #expect(FeedRejectReason.badEvent < .afterFileTime && .afterFileTime < .future)
        #expect(FeedRejectReason(rawValue: "after_file_time") == .afterFileTime)
    }

    /// For any name time, clock and event time, the reason is the spec's: after the name time
    /// plus an hour first, then after the clock plus ten minutes, else the record is valid; in
    /// files of one or many frames.
    @Test func theDecisionIsTheSpecsForAnyNameClockAndTime() async {
        await propertyCheck(
            count: 300, input: Gen.int(in: 0...2000), Gen.int(in: -8000...8000), Gen.int(in: -8000...8000),
            Gen.int(in: 1...3)
        ) { hours, offset, clockOffset, frames in
            let nameTime = 1_600_000_000 + Int64(hours) * 3600
            let time = nameTime + Int64(offset)
            let now = nameTime + Int64(clockOffset)
            let name = FeedFileName(carrier: .cucc, time: nameTime, sequence: 3).description
            let lines = (0..<3).map { _ in "13800138000,\(time),460,00,4113,12345,lu" }
            let file = try Fixtures.file(
                "\(Fixtures.header)\n" + lines.joined(separator: "\n") + "\n", name: name, frames: frames)
            let (items, summary) = try Fixtures.items(file, now: now)
            let expected: FeedRejectReason? =
                time > nameTime + 3600 ? .afterFileTime : time > now + 600 ? .future : nil
            #expect(items.map(\.asReject?.reason) == Array(repeating: expected, count: 3))
            #expect(summary.valid == (expected == nil ? 3 : 0))
        }
    }

    /// A shard's part says what its whole file's newest valid time was; it can never say more
    /// than the name allows, so a stamp from a split without the guard cannot move a watermark
    /// past it either.
    @Test func aSplitStampIsHeldToTheNameTime() throws {
        let name = FeedFileName(carrier: .cmcc, time: Self.nameTime, sequence: 1)
        let csv = ZstdCompressor.compress(Array("\(Fixtures.header)\n".utf8))
        let hash = [UInt8](repeating: 1, count: 32)
        let glitched = SplitStamp(newestEvent: Self.nameTime + 365 * 86_400, sourceHash: hash)
        let part = try FeedFile(name: name, compressed: glitched.frame + csv)
        #expect(part.splitStamp == SplitStamp(newestEvent: Self.nameTime + 3600, sourceHash: hash))
        let honest = SplitStamp(newestEvent: Self.nameTime - 60, sourceHash: hash)
        #expect(try FeedFile(name: name, compressed: honest.frame + csv).splitStamp == honest)
    }
}

/// `FeedFile.isUnchangedOnDisk`: what the pipeline asks just before it commits a file.
@Suite(.tags(.unit)) struct FileIdentityTests {
    @Test func aCheckedFileIsUnchangedUntilItIsWrittenTouchedOrReplaced() throws {
        let directory = try Fixtures.temporaryDirectory()
        let url = directory.appendingPathComponent("cmcc-20220501080000-0001.csv.zst")
        let frame = ZstdCompressor.compress(
            Array("\(Fixtures.header)\n13800138000,1651392000,460,00,4113,12345,lu\n".utf8))
        try Data(frame).write(to: url)
        let file = try FeedFile(contentsOf: url)
        #expect(file.identity == FileIdentity(path: url.path) && file.identity != nil)
        #expect(file.isUnchangedOnDisk)
        // Another frame appended in place: the file is still being written.
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(
            contentsOf: ZstdCompressor.compress(Array("13800138000,1651392060,460,00,4113,12345,lu\n".utf8)))
        try handle.close()
        #expect(!file.isUnchangedOnDisk)
        // The same bytes renamed over it: another file.
        let again = try FeedFile(contentsOf: url)
        let copy = directory.appendingPathComponent("copy")
        try FileManager.default.copyItem(at: url, to: copy)
        #expect(rename(copy.path, url.path) == 0)
        #expect(!again.isUnchangedOnDisk)
        // Only its modification time moved (same bytes, same inode).
        let touched = try FeedFile(contentsOf: url)
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: 0)], ofItemAtPath: url.path)
        #expect(!touched.isUnchangedOnDisk)
        // Gone.
        try FileManager.default.removeItem(at: url)
        #expect(!touched.isUnchangedOnDisk)
        // Bytes in memory have no disk to change on.
        #expect(
            try FeedFile(name: FeedFileName(carrier: .cmcc, time: 0, sequence: 1), compressed: frame).isUnchangedOnDisk)
    }
}
