import Foundation
import ItineraryCore

@testable import ItineraryFeed

/// Shared reference data and helpers for the feed tests.
enum Fixtures {
    static let directory: PlaceDirectory = try! PlaceDirectory.bundled()

    /// Two Beijing cells (filed under 朝阳区 and the municipality) and one Shanghai cell (浦东新区).
    static let cells = CellTable([
        (CellKey(mcc: 460, mnc: 0, lac: 4113, cellID: 12_345)!, directory.city(ofAdcode: 110105)!),
        (CellKey(mcc: 460, mnc: 7, lac: 4113, cellID: 777)!, directory.city(ofAdcode: 110000)!),
        (CellKey(mcc: 460, mnc: 1, lac: 20_001, cellID: 68_719_476_735)!, directory.city(ofAdcode: 310115)!),
    ])

    static let reader = FeedReader(directory: directory, cells: cells)

    static let header = "msisdn,event_time,mcc,mnc,lac,cell_id,event"

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("feed-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Checks a file held in memory.
    static func file(
        _ csv: String, name: String = "cmcc-20220501080000-0001.csv.zst", frames: Int = 1
    ) throws(FeedError) -> FeedFile {
        let bytes = Array(csv.utf8)
        let size = max(1, (bytes.count + frames - 1) / frames)
        let chunks = stride(from: 0, to: max(bytes.count, 1), by: size).map {
            Array(bytes[$0..<min($0 + size, bytes.count)])
        }
        return try FeedFile(name: FeedFileName(name)!, compressed: ZstdCompressor.compress(frames: chunks))
    }

    /// Reads a file's items (copied out of the callback: a record's raw bytes live only there).
    static func items(_ file: FeedFile, now: Int64 = 1_700_000_000) throws -> (items: [Item], summary: FeedSummary) {
        var items: [Item] = []
        let summary = try reader.read(file, now: now) { item in
            if let record = item.asRecord { items.append(.record(record)) }
            if let reject = item.asReject { items.append(.rejected(reject)) }
        }
        return (items, summary)
    }

    /// A line as a test keeps it.
    enum Item {
        case record(RecordView)
        case rejected(FeedReject)

        var asRecord: RecordView? {
            if case .record(let record) = self { return record }
            return nil
        }

        var asReject: FeedReject? {
            if case .rejected(let reject) = self { return reject }
            return nil
        }
    }
}

extension FeedItem {
    var asReject: FeedReject? {
        if case .rejected(let reject) = self { return reject }
        return nil
    }

    /// The record with its raw text; only within the reader's callback.
    var asRecord: RecordView? {
        switch self {
        case .record(let phone, let observation, let line, let raw):
            RecordView(phone: phone, observation: observation, line: line, raw: raw.text)
        case .rejected: nil
        }
    }
}

/// A valid record's parts, for comparisons in tests.
struct RecordView {
    var phone: Phone
    var observation: ItineraryCore.Observation
    var line: Int
    var raw: String
}
