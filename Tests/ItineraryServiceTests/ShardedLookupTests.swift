import Foundation
import ItineraryCore
import ItineraryPostgres
import ItineraryService
import ItineraryStore
import ItineraryTestSupport
import ItineraryTestTags
import Testing

/// The lookup service reaches every phone of a sharded store through one URL, the coordinator
/// (`itinerary shards init`): the same cards, over the whole OTP flow, as from a single store
/// holding the same phones.
@Suite("The lookup service through a shard coordinator", .tags(.integration), .timeLimit(.minutes(2)))
struct ShardedLookupTests {
    static let hangzhou = PlaceCode(adcode: 330100)!
    static let beijing = PlaceCode(adcode: 110000)!
    static let japan = PlaceCode(iso2: "JP")!

    /// Phone `index`'s observations: some hours in two or three places over the last two weeks,
    /// different for every phone, so the cards differ (one place too short to be listed).
    static func observations(_ index: Int) -> [Observation] {
        let places = [hangzhou, beijing, japan]
        var observations: [Observation] = []
        for (visit, hours) in [6, 5, 2].enumerated() where visit <= index % 3 {
            let start = Fixtures.start - Int64(2 + (index + 4 * visit) % 12) * 86_400
            for step in 0...(hours * 2) {
                observations.append(
                    Observation(time: start + Int64(step) * 1800, place: places[(index + visit) % places.count]))
            }
        }
        return observations
    }

    @Test("every card through the coordinator equals the single store's")
    func cardsThroughTheCoordinator() async throws {
        let shards = PhoneShards(count: 3)
        let phones = (0..<18).map { Phone(number: 13_800_138_100 + UInt64($0))! }
        let single = try TestHarness.migratedDatabase(label: "shardsingle")
        let shardURLs = try (0..<shards.count).map { try TestHarness.migratedDatabase(label: "shard\($0)") }
        let coordinatorURL = try TestHarness.migratedDatabase(label: "shardcoordinator")
        for url in shardURLs { try ShardCoordinator.prepareShard(PostgresConnection(url)) }
        try ShardCoordinator(connection: PostgresConnection(coordinatorURL))
            .initialize(shards: shardURLs, tables: ShardCoordinator.perPhoneTables(PostgresConnection(shardURLs[0])))

        // The pipeline's writes: every phone to the single store, and to its own shard.
        let rules = CardRules()
        var engine = ItineraryEngine<PhoneKey>(rules: rules)
        engine.beginFile()
        for (index, phone) in phones.enumerated() {
            for observation in Self.observations(index) {
                _ = engine.add(observation, for: Fixtures.phoneKeyer.key(for: phone))
            }
        }
        engine.endFile()
        let dataTime = Fixtures.start - 3600
        var byShard = [[TrackWrite]](repeating: [], count: shards.count)
        var all: [TrackWrite] = []
        for phone in phones {
            let key = Fixtures.phoneKeyer.key(for: phone)
            let snapshot = PhoneSnapshot(
                track: try #require(engine.tracks[key]), key: key, contacts: .empty, rules: rules, at: dataTime)
            let write = TrackWrite(key: key, masked: phone.masked, snapshot: snapshot)
            byShard[shards.shard(of: key)].append(write)
            all.append(write)
        }
        #expect(byShard.allSatisfy { !$0.isEmpty }, "every shard holds phones")
        try PipelineStore(connection: PostgresConnection(single)).commit([], writes: all, newestAccepted: dataTime)
        for (url, writes) in zip(shardURLs, byShard) {
            // Each shard's watermark is the global one (split parts carry it: docs/feed-format.md).
            try PipelineStore(connection: PostgresConnection(url)).commit([], writes: writes, newestAccepted: dataTime)
        }

        let viaSingle = try await TestHarness.start(label: "shardsingle", connectionString: single, storeCards: true)
        let viaCoordinator = try await TestHarness.start(
            label: "shardcoordinator", connectionString: coordinatorURL, storeCards: true)
        do {
            var listed = 0
            for (index, phone) in phones.enumerated() {
                let client = "10.1.0.\(index + 1)"
                var cards: [[String: Any]] = []
                for harness in [viaSingle, viaCoordinator] {
                    let code = try await harness.sendAndReadCode(phone.digits, client: client)
                    let response = try await harness.verify(phone.digits, code: code, client: client)
                    #expect(response.status == 200, "\(phone.masked): \(response.text)")
                    cards.append(response.json)
                }
                for field in ["phone", "color", "watermark", "generated_at", "window_days"] {
                    #expect(
                        "\(cards[0][field] ?? "none")" == "\(cards[1][field] ?? "none")", "\(phone.masked) \(field)")
                }
                let places = cards.map { ($0["places"] as? [[String: Any]] ?? []) as NSArray }
                #expect(places[0].isEqual(places[1]), "\(phone.masked): \(places[0]) against \(places[1])")
                listed += places[0].count
            }
            #expect(listed >= phones.count, "the cards list places")
        } catch {
            await viaSingle.server.stop()
            await viaCoordinator.server.stop()
            throw error
        }
        await viaSingle.server.stop()
        await viaCoordinator.server.stop()
    }
}
