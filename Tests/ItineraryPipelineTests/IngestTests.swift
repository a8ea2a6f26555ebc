import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryPipeline
import ItineraryPostgres
import ItinerarySimulation
import ItineraryStore
import ItineraryTestSupport
import ItineraryTestTags
import PropertyBased
import Testing

/// Exactly-once ingest (docs/feed-format.md) against a real PostgreSQL: the store's cards equal the offline command's, files apply
/// exactly once, and nothing of a refused file is applied.
@Suite(.tags(.integration), .serialized) struct IngestTests {
    @Test func storeCardsEqualOfflineCardsForRandomSubsetsAndOrders() async throws {
        let harness = try PipelineHarness(label: "subsets")
        await propertyCheck(count: 3, input: Gen.int(in: 0...1_000_000)) { seed in
            do {
                let workspace = try Workspace(
                    stateDirectory: harness.stateDirectory,
                    databaseURL: try SharedTestDatabase.makeScratchDatabase(label: "subset"))
                try workspace.loadingCells(from: harness.feed.cells)
                var generator = Xoshiro256(seed: UInt64(seed))
                let subset = harness.feed.files.filter { _ in generator.next() % 4 != 0 }
                // Delivery order: name order with neighbours swapped now and then (well within L).
                var order = FeedFileList.sorted(subset)
                for index in stride(from: 1, to: order.count, by: 2) where generator.next() % 3 == 0 {
                    order.swapAt(index - 1, index)
                }
                let pipeline = try workspace.pipeline(configuration: .standard)
                // Files with the same bytes (an hour with no records) apply once: the first of each.
                var seen = Set<[UInt8]>()
                let firsts = Set(
                    try order.filter { seen.insert(ContentHash.sha256([UInt8](try Data(contentsOf: $0)))).inserted })
                // Commit batches of random size, down to one file each.
                try pipeline.ingest(order, recordsPerCommit: Int(generator.next() % 5000)) { url, outcome in
                    let fresh = firsts.contains(url)
                    guard case .applied(_, let counts) = outcome else {
                        if fresh { Issue.record("\(url.lastPathComponent) was not applied: \(outcome)") }
                        return
                    }
                    #expect(fresh)
                    #expect(counts.late == 0)
                    #expect(counts.records == counts.accepted + counts.duplicates + counts.late + counts.rejectedCount)
                }
                let offline = try harness.offlineCards(subset, places: workspace.places)
                #expect(try harness.storeCards(workspace) == offline)
                // The stored cards are the cards at the data time.
                let time = try harness.dataTime(workspace)
                #expect(
                    try harness.sqlCards(workspace) == harness.offlineCards(subset, places: workspace.places, at: time))
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    @Test func aBatchCommitsOnceItsRejectedLinesPassTheBound() throws {
        let harness = try PipelineHarness(label: "reject-bytes", phones: 20, days: 2)
        var ledgerAtFirstReport: [Int] = []
        for bound in [Int.max, 1] {
            let workspace = try Workspace(
                stateDirectory: harness.stateDirectory,
                databaseURL: try SharedTestDatabase.makeScratchDatabase(label: "reject-bytes"))
            try workspace.loadingCells(from: harness.feed.cells)
            let connection = try workspace.connect()
            var first: Int?
            try workspace.pipeline(configuration: .standard).ingest(
                harness.feed.files, recordsPerCommit: .max, rejectBytesPerCommit: bound
            ) { _, outcome in
                if case .applied = outcome, first == nil {
                    first = Int(try connection.execute("SELECT count(*) FROM ingest_files").decode(Int64.self, 0, 0))
                }
            }
            ledgerAtFirstReport.append(first ?? 0)
        }
        let files = Set(try harness.feed.files.map { ContentHash.sha256([UInt8](try Data(contentsOf: $0))) }).count
        // Unbounded, the whole delivery is one commit; bounded, the first file with a reject ends one.
        #expect(ledgerAtFirstReport[0] == files)
        #expect(ledgerAtFirstReport[1] > 0 && ledgerAtFirstReport[1] < files)
    }

    @Test func reingestingChangesNothingAndRenamedCopiesAreSkipped() throws {
        let harness = try PipelineHarness(label: "reingest")
        let workspace = try harness.workspace()
        let pipeline = try workspace.pipeline(configuration: .standard)
        for url in harness.feed.files { _ = try pipeline.ingest(url) }
        let cards = try harness.storeCards(workspace)
        let ledger = try harness.ledger(workspace)
        let distinct = Set(try harness.feed.files.map { ContentHash.sha256([UInt8](try Data(contentsOf: $0))) })
        #expect(ledger == distinct)
        pipeline.releaseWriterLock()

        let again = try workspace.pipeline(configuration: .standard)
        for url in harness.feed.files {
            guard case .alreadyIngested = try again.ingest(url) else {
                Issue.record("\(url.lastPathComponent) applied twice")
                continue
            }
        }
        // The same bytes under another valid name are the same file.
        let original = harness.feed.files[0]
        let name = FeedFileName(original.lastPathComponent)!
        let renamed = harness.directory.appendingPathComponent(
            FeedFileName(carrier: name.carrier, time: name.time, sequence: 9999).description)
        try FileManager.default.copyItem(at: original, to: renamed)
        guard case .alreadyIngested = try again.ingest(renamed) else {
            Issue.record("renamed copy was applied")
            return
        }
        #expect(try harness.storeCards(workspace) == cards)
        #expect(try harness.ledger(workspace) == ledger)
    }

    @Test func refusedFilesAreMovedAsideAndRecordedWithNothingApplied() throws {
        let harness = try PipelineHarness(label: "refused", phones: 5, days: 1)
        let workspace = try harness.workspace()
        let pipeline = try workspace.pipeline(configuration: .standard)
        let inbox = harness.directory.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let good = try Data(contentsOf: harness.feed.files[0])
        let truncated = inbox.appendingPathComponent("cmcc-20220501000000-0001.csv.zst")
        try good.prefix(good.count - 3).write(to: truncated)
        let badName = inbox.appendingPathComponent("feed.csv.zst")
        try good.write(to: badName)
        let noHeader = inbox.appendingPathComponent("cucc-20220501000000-0001.csv.zst")
        try Data(ZstdCompressor.compress(Array("13800138000,1651363200,460,00,1,1,lu\n".utf8))).write(to: noHeader)

        for url in [truncated, badName, noHeader] {
            guard case .refused(_, let reason, let movedTo) = try pipeline.ingest(url) else {
                Issue.record("\(url.lastPathComponent) was not refused")
                continue
            }
            #expect(!reason.isEmpty)
            #expect(
                movedTo == inbox.appendingPathComponent("failed").appendingPathComponent(url.lastPathComponent).path)
            #expect(FileManager.default.fileExists(atPath: movedTo ?? ""))
            #expect(!FileManager.default.fileExists(atPath: url.path))
        }
        let connection = try workspace.connect()
        #expect(try connection.execute("SELECT count(*) FROM refused_files").int64(0, 0) == 3)
        #expect(try connection.execute("SELECT count(*) FROM phone_tracks").int64(0, 0) == 0)
        #expect(try connection.execute("SELECT count(*) FROM ingest_files").int64(0, 0) == 0)
    }

    @Test func aNewRiskListShowsWithoutReingesting() throws {
        let harness = try PipelineHarness(label: "risk", phones: 10, days: 3)
        let workspace = try harness.workspace()
        let pipeline = try workspace.pipeline(configuration: .standard)
        for url in harness.feed.files { _ = try pipeline.ingest(url) }
        let connection = try workspace.connect()
        let store = CardStore(configuration: .standard, riskRefreshInterval: .zero)
        let time = try #require(try store.dataTime(on: connection))
        // A phone with a listed city, and that city's adcode.
        let listed = harness.feed.phones.compactMap { phone -> (Phone, PlaceCode)? in
            let card = try? store.card(for: workspace.keyer.key(for: phone), at: time, on: connection)
            return card?.places.first { $0.kind == .city }.map { (phone, $0.code) }
        }
        let (phone, city) = try #require(listed.first)
        let key = workspace.keyer.key(for: phone)
        func starred() throws -> (live: Bool, stored: Bool) {
            let live = try store.card(for: key, at: time, on: connection).places.first { $0.code == city }!.starred
            let stored = try connection.execute("SELECT card::text FROM cards WHERE phone_key = $1", .bytes(key.bytes))
                .string(0, 0)!
            return (live, stored.contains(#""code":"\#(city)","kind":"city","starred":true"#))
        }
        #expect(try starred() == (false, false))
        let risk = harness.directory.appendingPathComponent("risk.csv")
        try "adcode,name,level,start,end\n\(city),某社区,high,2000-01-01T00:00:00Z,\n".write(
            to: risk, atomically: true, encoding: .utf8)
        try workspace.loadRisk(from: risk)
        #expect(try starred() == (true, true))
        try "adcode,name,level,start,end\n".write(to: risk, atomically: true, encoding: .utf8)
        try workspace.loadRisk(from: risk)
        #expect(try starred() == (false, false))
        // Both lists are kept.
        #expect(try connection.execute("SELECT count(*) FROM reference_loads WHERE kind = 'risk'").int64(0, 0) == 2)
    }

    @Test func retentionForgetsSilentPhonesAndPurgeDeletesEverything() throws {
        let harness = try PipelineHarness(label: "retention", phones: 8, days: 2)
        let workspace = try harness.workspace()
        let pipeline = try workspace.pipeline(configuration: .standard)
        for url in harness.feed.files { _ = try pipeline.ingest(url) }
        let connection = try workspace.connect()
        func count(_ table: String) throws -> Int64 {
            try connection.execute("SELECT count(*) FROM \(table)").int64(0, 0)!
        }
        #expect(try count("phone_tracks") == Int64(harness.feed.phones.count))

        // Twenty days later (past W + L + 1 day) one new phone shows up; everyone else is silent.
        let later = harness.feed.end + 20 * 86_400
        guard case .applied = try pipeline.ingest(try harness.singleRecordFile(at: later)) else {
            Issue.record("the later file was not applied")
            return
        }
        #expect(try count("phone_tracks") == 1)
        #expect(try count("cards") == 1)
        #expect(try count("visits WHERE last_at < to_timestamp(\(later - RuleConfiguration.standard.retention))") == 0)
        #expect(pipeline.phoneCount == 1)

        try PipelineStore(connection: connection).purgeAll()
        for table in ["phone_tracks", "phone_visits", "visits", "cards", "rejects", "ingest_files", "contacts"] {
            #expect(try count(table) == 0, "\(table) not purged")
        }
    }

    @Test func noTableHoldsAClearNumber() throws {
        let harness = try PipelineHarness(label: "privacy")
        let workspace = try harness.workspace()
        let pipeline = try workspace.pipeline(configuration: .standard)
        for url in harness.feed.files { _ = try pipeline.ingest(url) }
        let connection = try workspace.connect()
        #expect(try connection.execute("SELECT count(*) FROM rejects").int64(0, 0)! > 0)
        let numbers = harness.feed.phones.map(\.digits).joined(separator: "|")
        let columns = try connection.execute(
            """
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'public' AND data_type IN ('text', 'bytea', 'json', 'jsonb', 'character varying')
            """
        ).rows { ($0.string(0)!, $0.string(1)!, $0.string(2)!) }
        #expect(columns.count > 10)
        for (table, column, type) in columns {
            let text = type == "bytea" ? "encode(\(column), 'escape')" : "\(column)::text"
            let found = try connection.execute("SELECT count(*) FROM \(table) WHERE \(text) ~ $1", .text(numbers))
                .int64(0, 0)
            #expect(found == 0, "\(table).\(column) holds a clear number")
        }
    }
}
