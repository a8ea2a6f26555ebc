import ItineraryCore
import ItineraryTestTags
import PropertyBased
import Testing

/// The incremental engine equals the naive reference however records are split into files,
/// reordered within the lateness, or duplicated (docs/rules.md).
@Suite(.tags(.unit)) struct EngineEquivalenceTests {
    typealias F = Fixture
    static let places = [F.beijing, F.tianjin, F.langfang, F.hangzhou, F.japan, F.hongKong]

    /// A phone wandering between a few places for `days`, with bursts, gaps and ping-pong.
    static func wander(seed: UInt64, days: Int) -> [Observation] {
        var random = SplitMix(seed: seed)
        var observations: [Observation] = []
        var time = F.day0
        var place = places[random.next(below: 4)]
        while time < F.day0 + Int64(days) * 86_400 {
            switch random.next(below: 10) {
            case 0: place = places[random.next(below: places.count)]
            case 1: observations.append(F.obs(places[random.next(below: 4)], time + Int64(random.next(below: 600))))
            default: break
            }
            observations.append(F.obs(place, time))
            time += Int64([60, 600, 1800, 1801, 3600, 7200, 30_000][random.next(below: 7)])
        }
        return observations
    }

    /// Cuts `observations` into files: each shuffled, with copies, keeping disorder within `lateness`.
    static func deliver(_ observations: [Observation], seed: UInt64, lateness: Int64) -> [[Observation]] {
        var random = SplitMix(seed: seed ^ 0x9E37)
        var files: [[Observation]] = []
        var current: [Observation] = []
        let sorted = observations.sorted()
        for observation in sorted {
            current.append(observation)
            if random.next(below: 20) == 0 { current.append(observation) }
            if random.next(below: 8) == 0 && current.first.map({ observation.time - $0.time < lateness / 2 }) == true {
                files.append(current)
                current = []
            }
        }
        files.append(current)
        for index in files.indices { files[index].shuffle(using: &random) }
        // Swap neighbouring files now and then: still within the lateness.
        for index in stride(from: 1, to: files.count, by: 3) where random.next(below: 2) == 0 {
            let span = (files[index - 1] + files[index]).map(\.time)
            if (span.max() ?? 0) - (span.min() ?? 0) < lateness / 2 { files.swapAt(index - 1, index) }
        }
        return files
    }

    @Test func engineEqualsReferenceOverRandomDeliveries() async {
        await propertyCheck(count: 60, input: Gen.int(in: 0...1_000_000)) { seed in
            let rules = CardRules()
            let observations = Self.wander(seed: UInt64(seed), days: 20)
            var engine = ItineraryEngine<Phone>(rules: rules)
            var late = 0
            for file in Self.deliver(observations, seed: UInt64(seed), lateness: rules.configuration.lateness) {
                engine.beginFile()
                for observation in file where engine.add(observation, for: F.phone) == .late { late += 1 }
                engine.endFile()
                if seed % 2 == 0 { engine.compact(now: F.day0) }
            }
            #expect(late == 0)
            // Without a horizon the engine answers for any T from the newest data on: there, and
            // as the window slides past the stays (an hour, half a window, the whole window later).
            let newest = try #require(engine.newestAccepted)
            let window = rules.configuration.window
            for time in [newest, newest + 3600, newest + window / 2, newest + window, newest + window + 86_400] {
                #expect(engine.card(for: F.phone, at: time) == F.referenceCard(observations, rules: rules, at: time))
            }
        }
    }

    @Test func horizonEngineEqualsReferenceAtAnyEarlierT() async {
        await propertyCheck(count: 40, input: Gen.int(in: 0...1_000_000), Gen.int(in: 1...19)) { seed, day in
            let rules = CardRules(configuration: RuleConfiguration(window: 7 * 86_400))
            let observations = Self.wander(seed: UInt64(seed), days: 20)
            let time = F.at(seed % 24, day: day)
            var engine = ItineraryEngine<Phone>(rules: rules, horizon: time)
            for file in Self.deliver(observations, seed: UInt64(seed), lateness: rules.configuration.lateness) {
                engine.beginFile()
                for observation in file { _ = engine.add(observation, for: F.phone) }
                engine.endFile()
            }
            #expect(engine.card(for: F.phone, at: time) == F.referenceCard(observations, rules: rules, at: time))
        }
    }

    @Test func chainerEqualsReferenceOnDenseTies() async {
        // Many observations at the same seconds across places: the tie order decides "between".
        await propertyCheck(count: 200, input: Gen.int(in: 0...1_000_000)) { seed in
            var random = SplitMix(seed: UInt64(seed))
            let observations = (0..<40).map { _ in
                F.obs(Self.places[random.next(below: 3)], F.day0 + Int64(random.next(below: 12)) * 900)
            }
            #expect(
                VisitChainer.visits(of: observations, bridge: 1800) == F.referenceVisits(observations, bridge: 1800))
        }
    }

    @Test func lateRecordsAreRefusedAgainstTheWatermarkInForceAtFileStart() {
        var engine = ItineraryEngine<Phone>(rules: CardRules())
        engine.beginFile()
        #expect(engine.add(F.obs(F.beijing, F.at(0, day: 5)), for: F.phone) == .accepted)
        // Within the same file the watermark has not moved.
        #expect(engine.add(F.obs(F.beijing, F.at(0, day: 1)), for: F.phone) == .accepted)
        engine.endFile()
        engine.beginFile()
        #expect(engine.add(F.obs(F.beijing, F.at(0, day: 4)), for: F.phone) == .accepted)
        #expect(engine.add(F.obs(F.beijing, F.at(0, day: 4) - 1), for: F.phone) == .late)
    }

    @Test func compactForgetsPhonesSilentPastRetentionButKeepsOngoingStays() {
        let rules = CardRules()
        var engine = ItineraryEngine<Phone>(rules: rules)
        let silent = Phone("13900139000")!
        engine.beginFile()
        _ = engine.add(F.obs(F.beijing, F.at(0)), for: silent)
        _ = engine.add(F.obs(F.beijing, F.at(8)), for: F.phone)
        _ = engine.add(F.obs(F.beijing, F.at(0, day: 30)), for: F.phone)
        engine.endFile()
        engine.compact(now: F.at(1, day: 30))
        #expect(engine.tracks[silent] == nil)
        let card = engine.card(for: F.phone, at: F.at(1, day: 30))
        #expect(card.places.first?.firstSeen == F.at(8))
    }
}

/// A small deterministic generator so failures replay from their seed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
