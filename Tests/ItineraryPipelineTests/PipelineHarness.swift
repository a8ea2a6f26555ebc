import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryPipeline
import ItineraryPostgres
import ItinerarySimulation
import ItineraryStore
import ItineraryTestSupport
import Testing

/// A generated feed, a scratch database and the means to compare the store's cards with the
/// offline command's.
struct PipelineHarness {
    static let secret = "pipeline-test-phone-key-secret-0123456789"
    let directory: URL
    let feed: GeneratedFeed
    let databaseURL: String

    init(label: String, phones: Int = 40, days: Int = 6, seed: UInt64 = 11) throws {
        setenv("ITINERARY_PHONE_KEY_SECRET", Self.secret, 1)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "itinerary-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        feed = try FeedGenerator(phones: phones, days: days, seed: seed).write(
            to: directory.appendingPathComponent("generated"))
        databaseURL = try SharedTestDatabase.makeScratchDatabase(label: label)
    }

    var stateDirectory: URL { directory.appendingPathComponent("state") }

    /// A workspace on the scratch database with the feed's cells loaded.
    func workspace() throws -> Workspace {
        let workspace = try Workspace(stateDirectory: stateDirectory, databaseURL: databaseURL)
        try workspace.loadingCells(from: feed.cells)
        return workspace
    }

    /// An inbox under the harness's directory holding copies of `files`, ready to watch.
    func inbox(holding files: some Sequence<URL>) throws -> InboxWatcher {
        let watcher = InboxWatcher(inbox: directory.appendingPathComponent("inbox"))
        try watcher.prepare()
        for url in files {
            try FileManager.default.copyItem(at: url, to: watcher.inbox.appendingPathComponent(url.lastPathComponent))
        }
        return watcher
    }

    /// A time after every record: cards there are final whatever the engine has sealed.
    var evaluationTime: Int64 { feed.end + 3600 }

    /// The offline command's card lines at `time` (default `evaluationTime`) for `files` applied in name order.
    func offlineCards(_ files: [URL], places: PlaceDirectory, at time: Int64? = nil) throws -> [String: String] {
        let reader = FeedReader(directory: places, cells: try CellTable.load(contentsOf: feed.cells, directory: places))
        var cards: [String: String] = [:]
        _ = try OfflineCards(reader: reader, rules: CardRules()).run(
            files: FeedFileList.sorted(files), at: time ?? evaluationTime, now: Int64(Date().timeIntervalSince1970)
        ) { _ in
        } emit: { phone, card in
            cards[phone.digits] = card.jsonLine(phone: phone)
        }
        return cards
    }

    /// The store's card lines at `time` (default `evaluationTime`), computed from its engine
    /// state, for every generated phone that has a card there.
    func storeCards(_ workspace: Workspace, at time: Int64? = nil) throws -> [String: String] {
        let connection = try workspace.connect()
        let store = CardStore(configuration: .standard)
        let known = Set(
            try connection.execute("SELECT phone_key FROM phone_tracks", parameters: [], resultFormat: .binary)
                .rows { try $0.bytes(0) }.compactMap { $0.flatMap { PhoneKey(bytes: $0) } })
        var cards: [String: String] = [:]
        for phone in feed.phones {
            let key = workspace.keyer.key(for: phone)
            guard known.contains(key) else { continue }
            cards[phone.digits] = try store.card(for: key, at: time ?? evaluationTime, on: connection)
                .jsonLine(phone: phone)
        }
        return cards
    }

    /// The stored card lines, read through `itinerary_card(phone_key)`, for every generated
    /// phone that has one.
    func sqlCards(_ workspace: Workspace) throws -> [String: String] {
        let connection = try workspace.connect()
        var cards: [String: String] = [:]
        for phone in feed.phones {
            let row = try connection.execute(
                "SELECT color, places::text, masked FROM itinerary_card($1)",
                .bytes(workspace.keyer.key(for: phone).bytes))
            guard row.rowCount > 0 else { continue }
            #expect(row.string(0, 2) == phone.masked)
            cards[phone.digits] =
                #"{"phone":""# + phone.digits + #"","color":""# + row.string(0, 0)! + #"","places":"#
                + row.string(0, 1)! + "}"
        }
        return cards
    }

    /// The data time of the store: the newest accepted event time.
    func dataTime(_ workspace: Workspace) throws -> Int64 {
        try CardStore(configuration: .standard).dataTime(on: try workspace.connect())!
    }

    /// A feed file named for `time` holding one record of `phone` at `time`, in the feed's first cell.
    func singleRecordFile(phone: String = "13900000000", at time: Int64) throws -> URL {
        let cell = try String(contentsOf: feed.cells, encoding: .utf8).split(separator: "\n")[1].split(separator: ",")
        let csv =
            "msisdn,event_time,mcc,mnc,lac,cell_id,event\n\(phone),\(time),\(cell[0]),\(cell[1]),\(cell[2]),\(cell[3]),lu\n"
        let file = directory.appendingPathComponent(FeedFileName(carrier: .cmcc, time: time, sequence: 1).description)
        try Data(ZstdCompressor.compress(Array(csv.utf8))).write(to: file)
        return file
    }

    /// The feed's cell table without every `n`th cell (its header kept): records in those cells
    /// are rejected as `unknown_cell` until the whole table is loaded.
    func partialCells(droppingEvery n: Int) throws -> URL {
        let rows = try String(contentsOf: feed.cells, encoding: .utf8).split(separator: "\n")
        let kept = rows.enumerated().filter { $0.offset == 0 || $0.offset % n != 0 }.map(\.element)
        let partial = directory.appendingPathComponent("partial-cells.csv")
        try (kept.joined(separator: "\n") + "\n").write(to: partial, atomically: true, encoding: .utf8)
        return partial
    }

    /// Content hashes in the ledger.
    func ledger(_ workspace: Workspace) throws -> Set<[UInt8]> {
        Set(
            try workspace.connect().execute(
                "SELECT content_hash FROM ingest_files", parameters: [], resultFormat: .binary
            )
            .rows { try $0.bytes(0) }.compactMap { $0 })
    }

    /// Path of the built `itinerary` executable.
    static var executable: URL { BuiltExecutable.itinerary }

    /// Runs `executable ARGUMENTS` in `directory` to its end; returns status, stdout and stderr.
    static func run(
        _ executable: URL, _ arguments: [String], in directory: URL? = nil
    ) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }
}

extension PostgresResult {
    /// Maps each row through `body`, which reads the row's columns by index.
    func rows<T>(_ body: (RowView) throws -> T) throws -> [T] {
        try (0..<rowCount).map { try body(RowView(result: self, row: $0)) }
    }

    struct RowView {
        let result: PostgresResult
        let row: Int
        func bytes(_ column: Int) throws -> [UInt8]? { try result.bytes(row, column) }
        func string(_ column: Int) -> String? { result.string(row, column) }
        func int64(_ column: Int) throws -> Int64? { try result.int64(row, column) }
    }
}
