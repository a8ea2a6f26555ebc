import ItineraryCore
import ItineraryTestTags
import Testing

/// The edges of the rules (docs/rules.md): exact thresholds, ties, window bounds, risk and colour.
@Suite(.tags(.unit)) struct RuleEdgeTests {
    typealias F = Fixture
    let rules = CardRules()

    func listed(_ observations: [Observation], at time: Int64, rules: CardRules? = nil) -> Card {
        F.referenceCard(observations, rules: rules ?? self.rules, at: time)
    }

    @Test func dwellOfExactlyDIsListedAndOneSecondLessIsNot() {
        let exactly = [F.obs(F.beijing, F.at(8)), F.obs(F.beijing, F.at(12))]
        #expect(listed(exactly, at: F.at(13)).places.count == 1)
        let short = [F.obs(F.beijing, F.at(8)), F.obs(F.beijing, F.at(12) - 1)]
        #expect(listed(short, at: F.at(13)).places.isEmpty)
    }

    @Test func gapOfExactlyBAcrossAnotherPlaceLinksAndOneMoreSecondSplits() {
        let linked = [F.obs(F.beijing, F.at(8)), F.obs(F.tianjin, F.at(8, 10)), F.obs(F.beijing, F.at(8, 30))]
        #expect(VisitChainer.visits(of: linked, bridge: 1800).filter { $0.place == F.beijing }.count == 1)
        let split = [F.obs(F.beijing, F.at(8)), F.obs(F.tianjin, F.at(8, 10)), F.obs(F.beijing, F.at(8, 30) + 1)]
        #expect(VisitChainer.visits(of: split, bridge: 1800).filter { $0.place == F.beijing }.count == 2)
    }

    @Test func longGapWithNothingBetweenStaysOneVisit() {
        // Switched off overnight: no other place between, so the stay continues.
        let observations = [F.obs(F.hangzhou, F.at(20)), F.obs(F.hangzhou, F.at(7, day: 1))]
        #expect(
            VisitChainer.visits(of: observations, bridge: 1800) == [
                Visit(place: F.hangzhou, first: F.at(20), last: F.at(7, day: 1))
            ])
    }

    @Test func windowEdgesAreInclusive() {
        let stay = [F.obs(F.beijing, F.at(0)), F.obs(F.beijing, F.at(5))]
        let window = rules.configuration.window
        // last == T - W: still intersects.
        #expect(listed(stay, at: F.at(5) + window).places.count == 1)
        #expect(listed(stay, at: F.at(5) + window + 1).places.isEmpty)
        // An observation exactly at T counts; one after T is ignored.
        let roaming = [F.obs(F.japan, F.at(9))]
        #expect(listed(roaming, at: F.at(9)).places.map(\.code) == [F.japan])
        #expect(listed(roaming, at: F.at(9) - 1).places.isEmpty)
    }

    @Test func observationsAfterTDoNotBreakOrExtendAStay() {
        // Tianjin after T would split Beijing if it counted; and Beijing after T must not extend it.
        let observations = [
            F.obs(F.beijing, F.at(8)), F.obs(F.beijing, F.at(12)), F.obs(F.tianjin, F.at(13)),
            F.obs(F.beijing, F.at(20)),
        ]
        let result = listed(observations, at: F.at(12, 30))
        #expect(result.places.map(\.code) == [F.beijing])
        #expect(result.places[0].lastSeen == F.at(12))
    }

    @Test func visitStartedBeforeTheWindowKeepsItsFirstSeen() {
        let observations = [F.obs(F.hangzhou, F.at(8)), F.obs(F.hangzhou, F.at(8, day: 20))]
        let time = F.at(9, day: 20)
        let result = listed(observations, at: time)
        #expect(result.places.count == 1)
        #expect(result.places[0].firstSeen == F.at(8))
    }

    @Test func twoPlacesAtTheSameSecondOrderByCode() {
        // Both at 08:00; Tianjin (120000) sorts after Beijing (110000) and so lies between 08:00 and 09:00.
        let observations = [
            F.obs(F.beijing, F.at(8)), F.obs(F.tianjin, F.at(8)), F.obs(F.beijing, F.at(9)),
        ]
        let visits = VisitChainer.visits(of: observations, bridge: 1800)
        #expect(visits.filter { $0.place == F.beijing }.count == 2)
        #expect(visits == Fixture.referenceVisits(observations, bridge: 1800))
        // Beijing at the same second sorts before Tianjin, so nothing lies between Tianjin's two.
        let before = [F.obs(F.tianjin, F.at(8)), F.obs(F.beijing, F.at(8)), F.obs(F.tianjin, F.at(9))]
        #expect(VisitChainer.visits(of: before, bridge: 1800).filter { $0.place == F.tianjin }.count == 1)
        // Hangzhou (330100) sorts after Tianjin, so it lies between.
        let after = [F.obs(F.tianjin, F.at(8)), F.obs(F.hangzhou, F.at(8)), F.obs(F.tianjin, F.at(9))]
        #expect(VisitChainer.visits(of: after, bridge: 1800).filter { $0.place == F.tianjin }.count == 2)
    }

    @Test func placesOrderByFirstSeenThenCode() {
        let observations = [
            F.obs(F.japan, F.at(8)), F.obs(F.hongKong, F.at(8)),
            F.obs(F.hangzhou, F.at(7, day: 1)), F.obs(F.hangzhou, F.at(12, day: 1)),
        ]
        let result = listed(observations, at: F.at(0, day: 3))
        #expect(result.places.map(\.code) == [F.hongKong, F.japan, F.hangzhou])
        #expect(result.places.map(\.kind) == [.region, .country, .city])
        #expect(result.color == .yellow)
    }

    @Test func countriesNeedNoDwellButMustBeInTheWindow() {
        let observations = [F.obs(F.japan, F.at(8))]
        #expect(listed(observations, at: F.at(8) + rules.configuration.window).places.count == 1)
        #expect(listed(observations, at: F.at(8) + rules.configuration.window + 1).places.isEmpty)
    }

    @Test func firstAndLastSeenSpanOnlyListedVisits() {
        let observations = [
            F.obs(F.beijing, F.at(1)), F.obs(F.tianjin, F.at(2)),  // short Beijing visit: not listed
            F.obs(F.beijing, F.at(8)), F.obs(F.beijing, F.at(13)),  // listed
            F.obs(F.tianjin, F.at(14)), F.obs(F.beijing, F.at(20)),  // short again
        ]
        let place = listed(observations, at: F.at(23)).places.first { $0.code == F.beijing }
        #expect(place?.firstSeen == F.at(8))
        #expect(place?.lastSeen == F.at(13))
    }

    @Test func starMarksCitiesWithAnActiveAreaAtT() {
        let area = RiskArea(
            adcode: 330106, city: F.hangzhou, name: "西湖区某街道", level: .medium,
            period: ActivePeriod(start: F.at(0, day: 5), end: nil))
        let rules = CardRules(risk: RiskMap([area]))
        let stay = [F.obs(F.hangzhou, F.at(8)), F.obs(F.hangzhou, F.at(13))]
        // Star at T although the visit ended before the area became active: no exposure.
        let place = listed(stay, at: F.at(0, day: 6), rules: rules).places[0]
        #expect(place.starred)
        #expect(place.exposure == nil)
        // Before the area starts: no star.
        #expect(!listed(stay, at: F.at(0, day: 4), rules: rules).places[0].starred)
    }

    @Test func exposureIsTheHighestLevelOverlappingAListedVisit() {
        let medium = RiskArea(
            adcode: 330106, city: F.hangzhou, name: "A", level: .medium,
            period: ActivePeriod(start: F.at(0), end: F.at(10)))
        let high = RiskArea(
            adcode: 330102, city: F.hangzhou, name: "B", level: .high,
            period: ActivePeriod(start: F.at(12), end: F.at(0, day: 1)))
        let laterHigh = RiskArea(
            adcode: 330102, city: F.hangzhou, name: "C", level: .high,
            period: ActivePeriod(start: F.at(0, day: 2), end: F.at(0, day: 3)))
        let stay = [F.obs(F.hangzhou, F.at(8)), F.obs(F.hangzhou, F.at(12))]
        let withMedium = CardRules(risk: RiskMap([medium, laterHigh]))
        let place = listed(stay, at: F.at(0, day: 4), rules: withMedium).places[0]
        #expect(place.exposure == .medium)
        #expect(!place.starred)  // both ended before T
        let withHigh = CardRules(risk: RiskMap([medium, high]))
        #expect(listed(stay, at: F.at(0, day: 4), rules: withHigh).places[0].exposure == .high)
    }

    @Test func closeContactIsOrangeOverEverything() {
        let contacts = ContactList([(F.phone, ActivePeriod(start: F.at(0), end: F.at(0, day: 2)))])
        let roaming = VisitChainer.visits(of: [F.obs(F.japan, F.at(8))], bridge: 1800)
        func color(at time: Int64) -> CardColor {
            rules.card(visits: roaming, at: time, closeContact: contacts.isContact(F.phone, at: time)).color
        }
        #expect(color(at: F.at(9)) == .orange)
        #expect(color(at: F.at(0, day: 2)) == .yellow)  // the period has ended
        #expect(color(at: F.at(0) - 1) == .green)  // not yet begun, and Japan is after T
        #expect(rules.card(visits: [], at: F.at(9), closeContact: true).color == .orange)
    }
}
