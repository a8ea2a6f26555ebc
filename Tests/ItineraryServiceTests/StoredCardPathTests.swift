import Foundation
import ItineraryCore
import ItineraryPostgres
import ItineraryStore
import ItineraryTestSupport
import ItineraryTestTags
import Testing

@testable import ItineraryService

/// One card path (docs/sql.md): the lookup service shows the stored current card, which is what
/// `itinerary_card` returns to SQL readers and `itinerary card` prints, and that card is the one
/// the rules give at the data time (`itinerary card --at`, offline `cards --at`), whatever the
/// service clock says. The service never decodes engine state.
@Suite(
    "One card path: the service, itinerary card and SQL show the stored card", .tags(.integration),
    .timeLimit(.minutes(8)))
struct StoredCardPathTests {
    /// Fixtures.phoneKeyer's secret, so the keys the commands derive are the service's.
    static let environment = ["ITINERARY_PHONE_KEY_SECRET": "test phone key secret!"]

    /// A store the real pipeline filled (`itinerary` commands) from a generated feed, with a
    /// generated risk list and a close-contact list naming feed phones and phones never seen.
    struct GeneratedStore {
        var database: String
        var state: String
        var dataTime: Int64
        /// Offline `cards --at <data time>` lines by phone: every phone of the feed.
        var offline: [String: String]
        /// The contact list loaded, by number.
        var contacts: ContactList<String>
        /// Numbers the feed never saw, on the contact list.
        var contactOnly: [String]

        /// `itinerary ARGUMENTS`, on this store unless `offline`.
        func run(
            _ arguments: [String], offline: Bool = false
        ) async throws -> (status: Int32, output: String, error: String) {
            try await CLI.run(
                arguments + (offline ? [] : ["--database", database, "--state", state]), environment: environment)
        }

        /// Runs `itinerary ARGUMENTS`, which must succeed; its standard output.
        func succeed(_ arguments: [String], offline: Bool = false) async throws -> String {
            let result = try await run(arguments, offline: offline)
            guard result.status == 0 else { throw TestFailure("itinerary \(arguments): \(result)") }
            return result.output
        }
    }

    /// A small deterministic generator (SplitMix64), so a failing seed can be run again.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A close-contact period around `time`: in force, over, or still to come.
    static func period(around time: Int64, using random: inout Generator) -> ActivePeriod {
        let hour: Int64 = 3600
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return ActivePeriod(start: time - .random(in: 1...72, using: &random) * hour, end: nil)
        case 1:
            return ActivePeriod(
                start: time - .random(in: 1...72, using: &random) * hour,
                end: time + .random(in: 1...48, using: &random) * hour)
        case 2:
            let end = time - .random(in: 0...48, using: &random) * hour
            return ActivePeriod(start: end - .random(in: 1...72, using: &random) * hour, end: end)
        default: return ActivePeriod(start: time + .random(in: 1...48, using: &random) * hour, end: nil)
        }
    }

    /// Generates a feed (`itinerary generate`), loads cells and a risk list, ingests it, then
    /// loads a contact list (so the stored cards are recomputed by the load), all with `itinerary`.
    static func generatedStore(seed: UInt64) async throws -> GeneratedStore {
        var random = Generator(state: seed)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cardpath-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var store = GeneratedStore(
            database: try TestHarness.migratedDatabase(label: "cardpath\(seed)"),
            state: directory.appendingPathComponent("state").path, dataTime: 0, offline: [:], contacts: .empty,
            contactOnly: [])
        // The feed ends days before the service clock (Fixtures.start): cards must stay at the data time.
        let start = Fixtures.start - Int64(4 + seed % 3) * 86_400
        let generated = directory.appendingPathComponent("generated")
        _ = try await store.succeed(
            [
                "generate", "--phones", "16", "--days", "2", "--seed", "\(seed)", "--start", "\(start)", "--out",
                generated.path,
            ], offline: true)
        let cells = generated.appendingPathComponent("cells.csv")
        let feeds = generated.appendingPathComponent("feeds").path
        _ = try await store.succeed(["cells", "load", cells.path])

        // Risk areas in districts the cells are in, starting and ending around the feed's days.
        let districts = Set(
            try String(contentsOf: cells, encoding: .utf8).split(separator: "\n").dropFirst()
                .compactMap { $0.split(separator: ",").last.map(String.init) }
        ).sorted()
        var risk = "adcode,name,level,start,end\n"
        for district in districts.shuffled(using: &random).prefix(4) {
            let period = Self.period(around: start + 86_400 + .random(in: 0...86_400, using: &random), using: &random)
            risk +=
                "\(district),某社区,\(Bool.random(using: &random) ? "high" : "medium"),\(UTCTimestamp.format(period.start)),"
                + "\(period.end.map { UTCTimestamp.format($0) } ?? "")\n"
        }
        let riskFile = directory.appendingPathComponent("risk.csv")
        try risk.write(to: riskFile, atomically: true, encoding: .utf8)
        _ = try await store.succeed(["risk", "load", riskFile.path])
        _ = try await store.succeed(["ingest", "--settle", "0", feeds])
        store.dataTime = try #require(try StoredCards.dataTime(on: PostgresConnection(store.database)))

        // Contacts: some feed phones and three numbers never seen, in force, over or to come.
        let phones = try await store.succeed(
            ["cards", "--cells", cells.path, "--at", "\(store.dataTime)", feeds], offline: true
        )
        .split(separator: "\n").compactMap { line in
            line.split(separator: "\"").dropFirst(3).first.map(String.init)
        }
        store.contactOnly = (0..<3).map { "1990000000\($0 + Int(seed % 7))" }
        var entries: [(String, ActivePeriod)] = []
        for phone in phones.shuffled(using: &random).prefix(5) + store.contactOnly {
            for _ in 0..<Int.random(in: 1...2, using: &random) {
                entries.append((phone, Self.period(around: store.dataTime, using: &random)))
            }
        }
        // Every state of a number never seen: in force, over and to come.
        entries += [
            (store.contactOnly[0], ActivePeriod(start: store.dataTime - 3600, end: nil)),
            (store.contactOnly[1], ActivePeriod(start: store.dataTime - 7200, end: store.dataTime)),
            (store.contactOnly[2], ActivePeriod(start: store.dataTime + 1, end: nil)),
        ]
        store.contacts = ContactList(entries)
        let contactsFile = directory.appendingPathComponent("contacts.csv")
        try
            ("msisdn,start,end\n"
            + entries.map {
                "\($0.0),\(UTCTimestamp.format($0.1.start)),\($0.1.end.map { UTCTimestamp.format($0) } ?? "")"
            }
            .joined(separator: "\n") + "\n")
            .write(to: contactsFile, atomically: true, encoding: .utf8)
        _ = try await store.succeed(["contacts", "load", contactsFile.path])

        let offline = try await store.succeed(
            [
                "cards", "--cells", cells.path, "--risk", riskFile.path, "--contacts", contactsFile.path, "--at",
                "\(store.dataTime)", feeds,
            ], offline: true)
        for line in offline.split(separator: "\n") {
            guard let phone = line.split(separator: "\"").dropFirst(3).first else { continue }
            store.offline[String(phone)] = String(line)
        }
        #expect(store.offline.count == phones.count)
        return store
    }

    /// The `itinerary_card` row of `phone`: its columns, the places as the JSON text stored.
    static func sqlCard(
        _ phone: String, on connection: PostgresConnection
    ) throws -> (masked: String?, dataTime: Int64, color: String, places: String, nextChange: Int64?)? {
        let result = try connection.execute(
            """
            SELECT masked, extract(epoch FROM data_time)::int8, color, places::text, extract(epoch FROM next_change)::int8
            FROM itinerary_card($1)
            """, .bytes(Fixtures.phoneKeyer.key(for: Phone(phone)!).bytes))
        guard result.rowCount > 0 else { return nil }
        #expect(result.rowCount == 1)
        return (
            result.string(0, 0), try result.decode(Int64.self, 0, 1), try result.decode(String.self, 0, 2),
            try result.decode(String.self, 0, 3), try result.int64(0, 4)
        )
    }

    /// The places of a card JSON from the service, less the names the service adds.
    static func unnamedPlaces(_ card: [String: Any]) -> NSArray {
        ((card["places"] as? [[String: Any]]) ?? []).map { place in
            place.filter { $0.key != "name" && $0.key != "name_en" }
        } as NSArray
    }

    @Test(
        "over generated feeds, every number's card is the same from the service, itinerary card, itinerary_card and the rules at the data time",
        arguments: [UInt64(11), 12, 13])
    func oneCardEverywhere(seed: UInt64) async throws {
        let store = try await Self.generatedStore(seed: seed)
        let connection = try PostgresConnection(store.database)
        // A service whose clock is days past the data time: it must show the cards as they were.
        let harness = try await TestHarness.start(
            label: "cardpath\(seed)", connectionString: store.database, storeCards: true,
            configure: { $0.cardClock = .data })
        do {
            #expect(harness.clock.now() > store.dataTime + 86_400)
            var listed = 0, orange = 0
            let unknown = "13900000\(100 + seed)"
            for (index, phone) in (store.offline.keys.sorted() + store.contactOnly + [unknown]).enumerated() {
                let known = store.offline[phone] != nil || store.contacts.isContact(phone, at: store.dataTime)
                let stored = try await store.run(["card", phone])
                let atDataTime = try await store.run(["card", "--at", "\(store.dataTime)", phone])
                let sql = try Self.sqlCard(phone, on: connection)
                let card = try await harness.signIn(phone, client: "10.2.\(seed).\(index + 1)").json
                guard known else {
                    #expect(stored.status == 5 && atDataTime.status == 5, "\(phone): \(stored) \(atDataTime)")
                    #expect(sql == nil, "\(phone)")
                    #expect(card["status"] as? String == "no_data", "\(phone): \(card)")
                    continue
                }
                // The rules at the data time: offline from the files, or for a number never seen
                // the card of no places its close-contact status gives.
                let expected =
                    store.offline[phone]
                    ?? Card(at: store.dataTime, color: .orange, places: []).jsonLine(phone: Phone(phone)!)
                // `card` adds each place's names to the line (docs/rules.md).
                #expect(
                    stored.status == 0 && CardLine.withoutNames(stored.output) == expected + "\n",
                    "\(phone): \(stored.output)")
                #expect(CardLine.withoutNames(atDataTime.output) == expected + "\n", "\(phone): --at \(atDataTime)")
                let row = try #require(sql, "\(phone): no itinerary_card row")
                // One encoder: the stored JSON is the line's places, byte for byte.
                #expect(#"{"phone":"\#(phone)","color":"\#(row.color)","places":\#(row.places)}"# == expected)
                #expect(row.dataTime == store.dataTime)
                #expect(row.masked == (store.offline[phone] == nil ? nil : Phone(phone)!.masked))
                if store.offline[phone] == nil {
                    #expect(row.nextChange == store.contacts.nextChange(phone, after: store.dataTime), "\(phone)")
                }

                #expect(card["status"] as? String == "current", "\(phone): \(card)")
                #expect(card["color"] as? String == row.color, "\(phone)")
                #expect(card["card_time"] as? String == UTCTimestamp.format(store.dataTime))
                let places = try JSONSerialization.jsonObject(with: Data(row.places.utf8)) as? NSArray
                #expect(Self.unnamedPlaces(card).isEqual(places), "\(phone): \(card) against \(row.places)")
                listed += places?.count ?? 0
                orange += row.color == "orange" ? 1 : 0
            }
            #expect(listed > 0, "the cards list places")
            #expect(orange >= 1, "a close contact is orange")
        } catch {
            await harness.server.stop()
            throw error
        }
        await harness.server.stop()
    }

    @Test("the service reads no engine state: with every track corrupted, then deleted, it shows the same cards")
    func noEngineState() async throws {
        let phones = (0..<3).map { Phone("1380013810\($0)")! }
        let dataTime = Fixtures.start - 600
        let database = try TestHarness.migratedDatabase(label: "nostate")
        try StoreSeed.write(phones, dataTime: dataTime, to: database)
        let connection = try PostgresConnection(database)
        // Every look-up reads the store.
        let harness = try await TestHarness.start(
            label: "nostate", connectionString: database, storeCards: true, configure: { $0.cardReuse = .zero })
        do {
            var tokens: [String] = []
            for (index, phone) in phones.enumerated() {
                let card = try await harness.signIn(phone.digits, client: "10.3.0.\(index + 1)").json
                tokens.append(try #require(card["token"] as? String))
            }
            let before = try await harness.showAgain(token: tokens[0], client: "10.3.0.1").json
            #expect(before["status"] as? String == "current")
            #expect(Self.unnamedPlaces(before).count == 2)
            let state = FileManager.default.temporaryDirectory.appendingPathComponent("nostate-\(UUID().uuidString)")
            func card(_ arguments: [String]) async throws -> (status: Int32, output: String, error: String) {
                try await CLI.run(
                    ["card", "--database", database, "--state", state.path] + arguments, environment: Self.environment)
            }
            let line = try await card([phones[0].digits])
            #expect(line.status == 0)

            for damage in ["UPDATE phone_tracks SET state = '\\xdeadbeef'::bytea", "DELETE FROM phone_tracks"] {
                try connection.execute(damage)
                harness.clock.advance(by: 5)
                for (index, token) in tokens.enumerated() {
                    let after = try await harness.showAgain(token: token, client: "10.3.0.\(index + 1)").json
                    #expect(after["status"] as? String == "current", "\(damage): \(after)")
                    #expect(after["generated_at"] as? String == UTCTimestamp.format(harness.clock.now()), "read afresh")
                    #expect(after["color"] as? String == before["color"] as? String)
                    #expect(Self.unnamedPlaces(after).isEqual(Self.unnamedPlaces(before)), "\(damage)")
                }
                // `itinerary card` reads the stored card too; only `--at` needs the engine state.
                #expect(try await card([phones[0].digits]).output == line.output, "\(damage)")
            }
            #expect(try await card(["--at", "\(dataTime)", phones[0].digits]).status == 5)
        } catch {
            await harness.server.stop()
            throw error
        }
        await harness.server.stop()
    }

    @Test(
        "a list's recomputed cards show at once, even to a service that read the cards between the load and the recomputation"
    )
    func listLoadsShowAtOnce() async throws {
        let phone = Phone("13800138110")!
        let dataTime = Fixtures.start - 600
        let database = try TestHarness.migratedDatabase(label: "listload")
        try StoreSeed.write([phone], dataTime: dataTime, to: database)
        let connection = try PostgresConnection(database)
        let harness = try await TestHarness.start(
            label: "listload", connectionString: database, storeCards: true,
            configure: { $0.cardChangeCheckInterval = .zero })
        do {
            let token = try #require(try await harness.signIn(phone.digits).json["token"] as? String)
            func hangzhouStarred() async throws -> Bool? {
                let card = try await harness.showAgain(token: token).json
                let places = card["places"] as? [[String: Any]] ?? []
                return places.first { $0["code"] as? String == "330100" }?["starred"] as? Bool
            }
            #expect(try await hangzhouStarred() == false)
            // A risk area in Hangzhou: the list is in force, the stored card not yet recomputed.
            let reference = ReferenceStore(connection: connection)
            try reference.replaceRisk(
                [
                    RiskArea(
                        adcode: 330106, city: PlaceCode(adcode: 330100)!, name: "某社区", level: .high,
                        period: ActivePeriod(start: dataTime - 86_400, end: nil))
                ], source: "test")
            #expect(try await hangzhouStarred() == false, "the stored card until the pipeline recomputes it")
            // The pipeline's recomputation (`risk load` runs it in the load's transaction; here a
            // transaction of its own): the next read shows it.
            let risk = RiskMap(try reference.riskAreas())
            try connection.transaction { connection in
                try PipelineStore(connection: connection).refreshAllCards { key, track, time in
                    PhoneSnapshot(track: track, key: key, contacts: .empty, rules: CardRules(risk: risk), at: time)
                }
            }
            #expect(try await hangzhouStarred() == true)
        } catch {
            await harness.server.stop()
            throw error
        }
        await harness.server.stop()
    }
}
