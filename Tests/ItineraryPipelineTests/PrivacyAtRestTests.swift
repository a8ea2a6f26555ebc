import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryPipeline
import ItineraryPostgres
import ItinerarySimulation
import ItineraryStore
import ItineraryTestSupport
import ItineraryTestTags
import Testing

/// No phone number at rest, in any form (issue 17): numbers planted wherever a feed can carry
/// them — the msisdn field written with separators, `+86`, full-width digits, a NUL or another
/// control byte inside; other fields; the cell id; a file's sequence number — go through the
/// real `ingest` and `stream` into a PostgreSQL of their own, and then neither the cluster's
/// files (heap, WAL, logs) nor the state directory nor what the commands print holds any of them.
@Suite(.tags(.integration), .serialized) struct PrivacyAtRestTests {
    /// A number planted in the feed, and how it was written there.
    struct Planted {
        let digits: String
        let written: [UInt8]

        /// Every form the number could be found in: its digits, with `86`, full-width, as
        /// written and as the rejects store escapes it, grouped 3-4-4, and as an 8-byte integer.
        var needles: [[UInt8]] {
            let (head, middle, tail) = (digits.prefix(3), digits.dropFirst(3).prefix(4), digits.suffix(4))
            let number = UInt64(digits)!
            return [
                Array(digits.utf8), Array("86\(digits)".utf8), Array(Self.fullWidth(digits).utf8), written,
                written.flatMap { $0 == 0 ? Array(#"\x00"#.utf8) : [$0] },
                withUnsafeBytes(of: number.littleEndian) { Array($0) },
                withUnsafeBytes(of: number.bigEndian) { Array($0) },
            ] + [" ", "-", ".", "/"].map { Array("\(head)\($0)\(middle)\($0)\(tail)".utf8) }
        }

        static func fullWidth(_ digits: String) -> String {
            String(digits.unicodeScalars.map { Character(UnicodeScalar($0.value - 0x30 + 0xFF10)!) })
        }
    }

    /// Distinct random mobile numbers, each with its own first four digits so none holds another.
    static func numbers(_ count: Int) -> [String] {
        var prefixes = Set<Int>()
        while prefixes.count < count { prefixes.insert(Int.random(in: 1300...1999)) }
        return prefixes.map { String($0) + String(format: "%07d", Int.random(in: 0..<10_000_000)) }
    }

    @Test(.timeLimit(.minutes(5)))
    func noPlantedNumberInAnyFormIsInTheClusterTheStateDirectoryOrTheOutput() throws {
        let harness = try PipelineHarness(label: "privacy", phones: 10, days: 1)
        let (cluster, clusterState) = try SharedTestDatabase.privateCluster(label: "privacy")
        defer {
            try? cluster.stop()
            try? FileManager.default.removeItem(at: clusterState)
        }
        let workspace = try Workspace(stateDirectory: harness.stateDirectory, databaseURL: cluster.connectionString)
        _ = try workspace.loadingCells(from: harness.feed.cells)
        let cell = try String(contentsOf: harness.feed.cells, encoding: .utf8).split(separator: "\n")[1]
            .split(separator: ",").prefix(4).map(String.init)
        let time = harness.feed.start + 600

        var numbers = Self.numbers(24)
        var planted: [Planted] = []
        func plant(_ write: (String) -> String) -> String {
            let digits = numbers.removeLast()
            let written = write(digits)
            planted.append(Planted(digits: digits, written: Array(written.utf8)))
            return written
        }
        func grouped(_ digits: String, _ separator: String) -> String {
            "\(digits.prefix(3))\(separator)\(digits.dropFirst(3).prefix(4))\(separator)\(digits.suffix(4))"
        }
        let (mcc, mnc, lac, cellID) = (cell[0], cell[1], cell[2], cell[3])
        let msisdnForms: [(String) -> String] = [
            { grouped($0, "-") }, { grouped($0, " ") }, { grouped($0, ".") }, { "+86 " + grouped($0, " ") },
            { Planted.fullWidth($0) }, { "\($0.prefix(7))\u{0}\($0.suffix(4))" }, { grouped($0, "\u{1}") },
            { "(\($0.prefix(3)))\($0.dropFirst(3).prefix(4))/\($0.suffix(4))" }, { "86-" + grouped($0, "-") },
        ]
        var lines = msisdnForms.map { "\(plant($0)),\(time),\(mcc),\(mnc),\(lac),\(cellID),lu" }
        // A valid number in its field, and another where a number does not belong.
        lines.append("\(plant { $0 }),\(time),\(mcc),\(mnc),\(lac),\(cellID),\(plant { $0 })")  // bad_event
        lines.append("\(plant { $0 }),\(plant { $0 }),\(mcc),\(mnc),\(lac),\(cellID),lu")  // bad_time
        lines.append("\(plant { $0 }),\(time),\(mcc),\(mnc),\(plant { $0 }),\(cellID),lu")  // bad_lac
        lines.append("\(plant { $0 }),\(time),\(mcc),\(mnc),\(lac),\(plant { grouped($0, "-") }),lu")  // bad_cell_id
        // A valid cell id that is a number: unknown_cell, kept for replay.
        lines.append("\(plant { $0 }),\(time),\(mcc),\(mnc),\(lac),\(plant { $0 }),lu")

        let feeds = harness.directory.appendingPathComponent("planted")
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)
        let stamp = UTCTimestamp.format(time + 3000).filter(\.isNumber)
        let applied = "cmcc-\(stamp)-\(plant { $0 }).csv.zst"
        var csv = Array("\(JunkFiles.header)\n".utf8)
        for line in lines { csv += Array(line.utf8) + [10] }
        try Data(ZstdCompressor.compress(csv)).write(to: feeds.appendingPathComponent(applied))
        let corrupt = "cucc-\(stamp)-\(plant { $0 }).csv.zst"
        try Data("not zstd".utf8).write(to: feeds.appendingPathComponent(corrupt))
        let badName = "junk-\(plant { Planted.fullWidth($0) }).csv.zst"
        try Data("not zstd".utf8).write(to: feeds.appendingPathComponent(badName))
        // Through `stream` too, for its log lines.
        let inbox = harness.directory.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let streamed = "ctcc-\(stamp)-\(plant { $0 }).csv.zst"
        try Data(ZstdCompressor.compress(csv + [10])).write(to: inbox.appendingPathComponent(streamed))
        try Data("not zstd".utf8).write(to: inbox.appendingPathComponent("ctcc-\(stamp)-\(plant { $0 }).csv.zst"))
        Thread.sleep(forTimeInterval: 3)  // past the inbox's settle time

        let store = ["--database", cluster.connectionString, "--state", harness.stateDirectory.path]
        let ingest = try ChildProcess.run(["ingest"] + store + [feeds.path])
        #expect(ingest.status == 3, "\(ingest.stderr)")
        let stream = try ChildProcess.run(["stream", "--once", "--inbox", inbox.path] + store)
        #expect(stream.stderr.contains("refused"), "\(stream.stderr)")

        // What someone with SQL access reads: no text holds an 11-digit run, no cell id is in clear;
        // a kept file name keeps only its `carrier-YYYYMMDDhhmmss-` prefix readable.
        let connection = try workspace.connect()
        let texts = try connection.execute(
            "SELECT raw FROM rejects UNION ALL SELECT masked FROM rejects UNION ALL SELECT reason FROM refused_files"
        ).rows { $0.string(0) }.compactMap { $0 }
        for text in texts { #expect(DigitRunMasker.masked(text) == text, "\(text)") }
        let names = try connection.execute(
            """
            SELECT file_name FROM rejects UNION ALL SELECT file_name FROM ingest_files
            UNION ALL SELECT file_name FROM refused_files UNION ALL SELECT moved_to FROM refused_files
            """
        ).rows { $0.string(0) }.compactMap { $0 }
        for name in names { #expect(DigitRunMasker.maskedFileName(name) == name, "\(name)") }
        let kept = try connection.execute(
            """
            SELECT count(*) FILTER (WHERE cell_id IS NOT NULL), count(*) FILTER (WHERE cell_sealed IS NOT NULL),
                count(*) FILTER (WHERE file_name = $1), count(*) FROM rejects
            """, .text(DigitRunMasker.maskedFileName(applied)))
        #expect(try kept.int64(0, 0) == 0 && kept.int64(0, 1) == 2)  // the unknown_cell line, once per file
        #expect(try kept.int64(0, 2) == Int64(lines.count) && kept.int64(0, 3) == Int64(2 * lines.count))
        #expect(
            try connection.execute("SELECT count(*) FROM refused_files").int64(0, 0) == 3,
            "\(ingest.stderr)\n\(stream.stderr)")
        try connection.execute("CHECKPOINT")
        try cluster.stop()

        // Controls: what is kept masked is found, so the scan does read the writes.
        let controls = [DigitRunMasker.masked(grouped(planted[0].digits, "-")), DigitRunMasker.maskedFileName(applied)]
        let needles = planted.flatMap(\.needles)
        let scan = FileScan([clusterState, harness.stateDirectory], for: needles + controls.map { Array($0.utf8) })
        for (needle, holders) in zip(needles, scan.holders) {
            #expect(holders.isEmpty, "\(holders) hold \(String(decoding: needle, as: UTF8.self).debugDescription)")
        }
        for (control, holders) in zip(controls, scan.holders.suffix(controls.count)) {
            #expect(!holders.isEmpty, "\(control) is nowhere")
        }
        #expect(scan.files > 100)
        for output in [ingest.stderr, stream.stderr] {
            let bytes = Data(output.utf8)
            for needle in needles where needle.count > 8 {
                #expect(
                    bytes.range(of: Data(needle)) == nil,
                    "the output holds \(String(decoding: needle, as: UTF8.self).debugDescription)")
            }
        }
    }

    /// A valid cell id can be a number (up to 68719476735): the reject keeps it sealed, and a
    /// cells load that adds the cell lets `rejects replay` apply the record all the same.
    @Test func aRejectWhoseCellIDIsANumberReplaysAfterACellsLoad() throws {
        let harness = try PipelineHarness(label: "sealedcell", phones: 10, days: 1)
        let workspace = try harness.workspace()
        let cellsText = try String(contentsOf: harness.feed.cells, encoding: .utf8)
        let cell = cellsText.split(separator: "\n")[1].split(separator: ",").map(String.init)
        let cellID = Self.numbers(1)[0]
        let phone = "13700000001"
        let time = harness.feed.start + 600
        let csv = "\(JunkFiles.header)\n\(phone),\(time),\(cell[0]),\(cell[1]),\(cell[2]),\(cellID),lu\n"
        let file = harness.directory.appendingPathComponent(
            FeedFileName(carrier: .cmcc, time: time + 3000, sequence: 1).description)
        try Data(ZstdCompressor.compress(Array(csv.utf8))).write(to: file)
        let pipeline = try workspace.pipeline(configuration: .standard)
        _ = try pipeline.ingest(file)
        pipeline.releaseWriterLock()

        let connection = try workspace.connect()
        let row = try connection.execute(
            "SELECT reason, raw, cell_id, cell_sealed FROM rejects", parameters: [], resultFormat: .binary)
        #expect(row.rowCount == 1 && row.string(0, 0) == "unknown_cell")
        #expect(row.string(0, 1)?.contains(cellID) == false)
        #expect(try row.int64(0, 2) == nil && row.bytes(0, 3)?.count == 36)

        let cells = harness.directory.appendingPathComponent("cells-more.csv")
        try (cellsText + "\(cell[0]),\(cell[1]),\(cell[2]),\(cellID),\(cell[4])\n").write(
            to: cells, atomically: true, encoding: .utf8)
        _ = try workspace.loadingCells(from: cells, replacing: true)
        let outcome = try workspace.pipeline(configuration: .standard).replayRejects()
        #expect(outcome.applied == 1 && outcome.stillRejected == 0)
        #expect(try connection.execute("SELECT count(*) FROM rejects").int64(0, 0) == 0)
        let key = workspace.keyer.key(for: Phone(phone)!)
        #expect(
            try connection.execute("SELECT count(*) FROM phone_tracks WHERE phone_key = $1", .bytes(key.bytes))
                .int64(0, 0) == 1)
    }
}
