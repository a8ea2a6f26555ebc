import ItineraryCore
import ItineraryTestTags
import PropertyBased
import Testing

/// When a card next changes without new observations (docs/rules.md): the stored cards are
/// re-evaluated then, so it must never be later than a real change.
@Suite(.tags(.unit)) struct NextChangeTests {
    typealias F = Fixture
    let rules = CardRules()
    var window: Int64 { rules.configuration.window }

    func visits(_ observations: [Observation]) -> [Visit] {
        VisitChainer.visits(of: observations, bridge: rules.configuration.bridge)
    }

    /// What a card says, apart from the time it was evaluated at.
    static func reading(_ card: Card) -> [String] {
        [card.color.rawValue] + card.places.map { "\($0)" }
    }

    @Test func aListedStayChangesTheCardOneSecondAfterItLeavesTheWindow() {
        // Worked example 1: Beijing 08:00-12:30 is listed at 13:00 until 12:30 + W.
        let beijing = visits([8, 9, 10, 11].map { F.obs(F.beijing, F.at($0)) } + [F.obs(F.beijing, F.at(12, 30))])
        let next = rules.nextChange(visits: beijing, at: F.at(13))
        #expect(next == F.at(12, 30) + window + 1)
        #expect(rules.card(visits: beijing, at: next! - 1).places.count == 1)
        #expect(rules.card(visits: beijing, at: next!).places.isEmpty)
    }

    @Test func nothingListedNeverChanges() {
        // Worked example 3: neither Beijing visit is listed, and no later time lists one.
        let observations = [
            F.obs(F.beijing, F.at(8)), F.obs(F.beijing, F.at(9)), F.obs(F.tianjin, F.at(10)),
            F.obs(F.beijing, F.at(13)),
        ]
        #expect(rules.nextChange(visits: visits(observations), at: F.at(14)) == nil)
    }

    @Test func roamingTurnsGreenWhenTheRecordLeavesTheWindow() {
        // Worked example 5: one Tokyo record 10 days before T.
        let tokyo = visits([F.obs(F.japan, F.at(8))])
        let time = F.at(8, day: 10)
        let next = rules.nextChange(visits: tokyo, at: time)
        #expect(next == F.at(8) + window + 1)
        #expect(rules.card(visits: tokyo, at: next! - 1).color == .yellow)
        #expect(rules.card(visits: tokyo, at: next!).color == .green)
    }

    @Test func riskPeriodsOfListedCitiesAndContactPeriodsAreChanges() {
        let start = F.at(0, day: 2)
        let end = F.at(0, day: 3)
        let area = RiskArea(
            adcode: 330106, city: F.hangzhou, name: "A", level: .high, period: ActivePeriod(start: start, end: end))
        let elsewhere = RiskArea(
            adcode: 110105, city: F.beijing, name: "B", level: .high, period: ActivePeriod(start: F.at(5), end: nil))
        let rules = CardRules(risk: RiskMap([area, elsewhere]))
        let stay = visits([F.obs(F.hangzhou, F.at(8)), F.obs(F.hangzhou, F.at(13))])
        // Beijing is not on the card: its area does not change it.
        #expect(rules.nextChange(visits: stay, at: F.at(14)) == start)
        #expect(rules.nextChange(visits: stay, at: start) == end)
        #expect(rules.nextChange(visits: stay, at: end) == F.at(13) + window + 1)

        let contacts = ContactList([(F.phone, ActivePeriod(start: F.at(0, day: 1), end: nil))])
        let snapshot = PhoneSnapshot(
            track: PhoneTrack(visits: stay), key: F.phone, contacts: contacts, rules: rules, at: F.at(14))
        #expect(snapshot.card.color == .green)
        #expect(snapshot.nextChange == F.at(0, day: 1))
        #expect(contacts.nextChange(F.phone, after: F.at(0, day: 1)) == nil)
    }

    @Test func aSnapshotDropsVisitsPastRetentionAndIsDueWhenTheNextOneIs() {
        let rules = CardRules()
        let retention = rules.configuration.retention
        let old = Visit(place: F.japan, first: F.at(8), last: F.at(9))
        let newer = Visit(place: F.hangzhou, first: F.at(8, day: 3), last: F.at(13, day: 3))
        let time = F.at(9) + retention + 1
        let snapshot = PhoneSnapshot(
            track: PhoneTrack(visits: [old, newer]), key: F.phone, contacts: .empty, rules: rules, at: time)
        #expect(snapshot.visits == [newer])
        #expect(snapshot.track.visits == [newer])
        #expect(snapshot.card.places.map(\.code) == [F.hangzhou])
        #expect(snapshot.nextChange == newer.last + rules.configuration.window + 1)
        // Once Hangzhou has left the window, only its retention is to come.
        let later = PhoneSnapshot(
            track: snapshot.track, key: F.phone, contacts: .empty, rules: rules, at: snapshot.nextChange!)
        #expect(later.card.places.isEmpty)
        #expect(later.nextChange == newer.last + retention + 1)
    }

    @Test func theCardIsConstantUntilItsNextChange() async {
        let places = EngineEquivalenceTests.places
        await propertyCheck(count: 150, input: Gen.int(in: 0...1_000_000)) { seed in
            var random = SplitMix(seed: UInt64(seed))
            let observations = EngineEquivalenceTests.wander(seed: UInt64(seed), days: 1 + random.next(below: 20))
            let areas = (0..<random.next(below: 6)).map { index in
                let start = F.day0 + Int64(random.next(below: 40 * 86_400))
                return RiskArea(
                    adcode: 0, city: places[random.next(below: 4)], name: "\(index)",
                    level: random.next(below: 2) == 0 ? .medium : .high,
                    period: ActivePeriod(
                        start: start,
                        end: random.next(below: 3) == 0 ? nil : start + Int64(random.next(below: 5 * 86_400))
                    ))
            }
            let rules = CardRules(risk: RiskMap(areas))
            let newest = observations.map(\.time).max()!
            var time = newest + Int64(random.next(below: 3 * 86_400))
            var visits = VisitChainer.visits(of: observations, bridge: rules.configuration.bridge)
            visits.removeAll { !rules.isListable($0) }
            // Walk from change to change: the card is constant inside each interval.
            while let next = rules.nextChange(visits: visits, at: time) {
                #expect(next > time)
                let reading = Self.reading(rules.card(visits: visits, at: time))
                for _ in 0..<8 {
                    let sample = time + Int64(random.next(below: Int(min(next - time, 1 << 40))))
                    #expect(
                        Self.reading(rules.card(visits: visits, at: sample)) == reading, "seed \(seed) at \(sample)")
                }
                #expect(
                    Self.reading(rules.card(visits: visits, at: next - 1)) == reading, "seed \(seed) at \(next - 1)")
                time = next
            }
            // Past the last change the card stays as it is (empty, or starred for good).
            let final = Self.reading(rules.card(visits: visits, at: time))
            #expect(Self.reading(rules.card(visits: visits, at: time + 100 * 86_400)) == final)
        }
    }
}
