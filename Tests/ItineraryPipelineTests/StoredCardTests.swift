import Foundation
import ItineraryCore
import ItineraryPipeline
import ItineraryPostgres
import ItinerarySimulation
import ItineraryStore
import ItineraryTestSupport
import ItineraryTestTags
import Testing

/// The stored cards are the cards at the data time, whoever reads them (docs/sql.md): as the
/// data time moves past a quiet phone's places, past the start and end of a risk period, and
/// read through `itinerary_card` as `itinerary card` prints them.
@Suite(.tags(.integration), .serialized) struct StoredCardTests {
    /// Every stored card equals the card computed from the engine state at the data time, and
    /// no stored row is past due.
    func expectCurrent(_ harness: PipelineHarness, _ workspace: Workspace) throws {
        let time = try harness.dataTime(workspace)
        #expect(try harness.sqlCards(workspace) == harness.storeCards(workspace, at: time))
        let overdue = try workspace.connect().execute(
            "SELECT count(*) FROM cards WHERE next_change <= $1::int8", .int(time)
        ).int64(0, 0)
        #expect(overdue == 0)
    }

    @Test func aQuietPhonesStoredCardLosesPlacesThatLeaveTheWindow() throws {
        let harness = try PipelineHarness(label: "quiet", phones: 20, days: 4)
        let workspace = try harness.workspace()
        let pipeline = try workspace.pipeline(configuration: .standard)
        for url in harness.feed.files { _ = try pipeline.ingest(url) }
        try expectCurrent(harness, workspace)
        let before = try harness.sqlCards(workspace)
        // Only a new phone is heard of later: everyone else goes quiet while the window slides
        // past their first days, then past all of them (still within retention).
        for days in [11, 13, 15] {
            guard
                case .applied = try pipeline.ingest(
                    try harness.singleRecordFile(at: harness.feed.end + Int64(days) * 86_400))
            else {
                Issue.record("the file \(days) days later was not applied")
                return
            }
            try expectCurrent(harness, workspace)
        }
        let after = try harness.sqlCards(workspace)
        // Every phone is still in the store (retention is W + L + 1 day), its card empty.
        #expect(!after.isEmpty && Set(after.keys).isSubset(of: before.keys))
        #expect(before.values.contains { $0.contains(#""code""#) })
        #expect(after.values.allSatisfy { $0.hasSuffix(#""places":[]}"#) })
    }

    @Test func aRiskPeriodStartingAndEndingUpdatesStoredCards() throws {
        let harness = try PipelineHarness(label: "riskperiod", phones: 10, days: 3)
        let workspace = try harness.workspace()
        let pipeline = try workspace.pipeline(configuration: .standard)
        for url in harness.feed.files { _ = try pipeline.ingest(url) }
        let time = try harness.dataTime(workspace)
        let cards = try harness.sqlCards(workspace)
        // A phone with a listed city, and that city's adcode.
        let (phone, city) = try #require(
            cards.compactMap { phone, line in line.firstMatch(of: /"code":"(\d{6})"/).map { (phone, String($0.1)) } }
                .first)
        func starred() throws -> Bool {
            try #require(try harness.sqlCards(workspace)[phone]).contains(
                #""code":"\#(city)","kind":"city","starred":true"#)
        }
        let risk = harness.directory.appendingPathComponent("risk.csv")
        try """
        adcode,name,level,start,end
        \(city),某社区,high,\(UTCTimestamp.format(time + 3600)),\(UTCTimestamp.format(time + 7200))

        """.write(to: risk, atomically: true, encoding: .utf8)
        try workspace.loadRisk(from: risk)
        try expectCurrent(harness, workspace)
        #expect(try !starred())
        // The running pipeline takes the new list; another phone's records move the data time
        // into the period, then past its end.
        for (offset, expected) in [(Int64(5400), true), (9000, false)] {
            _ = try pipeline.ingest(try harness.singleRecordFile(at: time + offset))
            #expect(try starred() == expected)
            try expectCurrent(harness, workspace)
        }
    }

    @Test func theSQLEntryPointEqualsTheCardCommandForEveryPhone() throws {
        let harness = try PipelineHarness(label: "sqlentry", phones: 12, days: 3)
        let workspace = try harness.workspace()
        let pipeline = try workspace.pipeline(configuration: .standard)
        for url in harness.feed.files { _ = try pipeline.ingest(url) }
        pipeline.releaseWriterLock()
        let stored = try harness.sqlCards(workspace)
        #expect(stored.count == harness.feed.phones.count)
        let store = ["--database", harness.databaseURL, "--state", harness.stateDirectory.path]
        for phone in harness.feed.phones {
            let card = try PipelineHarness.run(PipelineHarness.executable, ["card"] + store + [phone.digits])
            #expect(card.status == 0, "\(card.stderr)")
            // `card` adds each place's names (docs/rules.md); without them it is the SQL row.
            #expect(CardLine.withoutNames(card.stdout) == (stored[phone.digits] ?? "") + "\n")
            #expect(
                card.stdout.components(separatedBy: #""name":""#).count
                    == card.stdout.components(separatedBy: #""code":""#).count)
        }
        // A phone the store has never seen has no row.
        let unknown = try workspace.connect().execute(
            "SELECT count(*) FROM itinerary_card($1)", .bytes(workspace.keyer.key(for: Phone("19999999999")!).bytes))
        #expect(try unknown.int64(0, 0) == 0)
    }

    @Test func aStoreAtMigration5WithDataMigrates() throws {
        let harness = try PipelineHarness(label: "migrate6", phones: 12, days: 3)
        let (earlier, last) = (harness.feed.files.dropLast(), harness.feed.files.last!)
        // This version's store of the data, to compare with.
        let current = try harness.workspace()
        let pipeline = try current.pipeline(configuration: .standard)
        for url in earlier { _ = try pipeline.ingest(url) }
        let source = try current.connect()

        // A store at migration 5 holding the rows the previous version wrote for the same data:
        // tracks with the masked number, one visits row per visit, cards without a next change.
        let oldURL = try SharedTestDatabase.makeScratchDatabase(label: "migrate5")
        let old = try PostgresConnection(oldURL)
        let sql = try Migrator.defaultDirectory()
        let five = FileManager.default.temporaryDirectory.appendingPathComponent("sql5-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: five, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: five) }
        for name in try FileManager.default.contentsOfDirectory(atPath: sql.path) where name < "0006" {
            try FileManager.default.copyItem(
                at: sql.appendingPathComponent(name), to: five.appendingPathComponent(name))
        }
        #expect(try Migrator(directory: five).migrate(old).map(\.version) == [1, 2, 3, 4, 5])
        func copy(_ select: String, into insert: String) throws {
            let rows = try source.execute(select)
            for row in 0..<rows.rowCount {
                try old.execute(
                    insert, parameters: (0..<rows.columnCount).map { rows.string(row, $0).map(PostgresValue.text) })
            }
        }
        try copy(
            "SELECT t.phone_key, c.masked, t.state, t.newest_at FROM phone_tracks t JOIN cards c USING (phone_key)",
            into:
                "INSERT INTO phone_tracks (phone_key, masked, state, newest_at) VALUES ($1::bytea, $2, $3::bytea, $4::int8)"
        )
        try copy(
            "SELECT phone_key, place, kind, first_at, last_at FROM visits",
            into: "INSERT INTO visits VALUES ($1::bytea, $2, $3, $4::timestamptz, $5::timestamptz)")
        try copy(
            "SELECT phone_key, masked, evaluated_at, color, card FROM cards",
            into: "INSERT INTO cards VALUES ($1::bytea, $2, $3::timestamptz, $4, $5::json)")
        try copy(
            "SELECT newest_accepted FROM pipeline_state", into: "UPDATE pipeline_state SET newest_accepted = $1::int8")
        let visits = "SELECT phone_key, place, kind, first_at, last_at FROM visits ORDER BY 1, 4, 2"
        let oldVisits = try old.execute(visits)

        // Opening it migrates it: the visits read as before, and every card is due.
        let migrated = try Workspace(stateDirectory: harness.stateDirectory, databaseURL: oldURL)
        try migrated.loadingCells(from: harness.feed.cells)
        let connection = try migrated.connect()
        let newVisits = try connection.execute(visits)
        #expect(newVisits.rowCount == oldVisits.rowCount && oldVisits.rowCount > 0)
        for row in 0..<oldVisits.rowCount {
            #expect((0..<5).map { newVisits.string(row, $0) } == (0..<5).map { oldVisits.string(row, $0) })
        }
        #expect(
            try connection.execute("SELECT count(*) FROM cards WHERE next_change = 0").int64(0, 0)
                == connection.execute("SELECT count(*) FROM phone_tracks").int64(0, 0))

        // The next file brings every card up to date, as in the store that never migrated.
        pipeline.releaseWriterLock()
        for workspace in [current, migrated] {
            _ = try workspace.pipeline(configuration: .standard).ingest(last)
        }
        #expect(try harness.sqlCards(migrated) == harness.sqlCards(current))
        try expectCurrent(harness, migrated)
    }
}
