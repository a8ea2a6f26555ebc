import ItineraryCore
import ItineraryTestTags
import Testing

/// Each worked example of docs/rules.md as written (W = 14 d, D = 4 h, B = 30 min).
@Suite(.tags(.unit)) struct WorkedExampleTests {
    let rules = CardRules()
    typealias F = Fixture

    func card(_ observations: [Observation], at time: Int64) -> Card {
        rules.card(visits: VisitChainer.visits(of: observations, bridge: rules.configuration.bridge), at: time)
    }

    @Test func example1SingleStayOverFourHoursIsListed() {
        let times = [F.at(8), F.at(9), F.at(10), F.at(11), F.at(12, 30)]
        let visits = VisitChainer.visits(of: times.map { F.obs(F.beijing, $0) }, bridge: 1800)
        #expect(visits == [Visit(place: F.beijing, first: F.at(8), last: F.at(12, 30))])
        let result = card(times.map { F.obs(F.beijing, $0) }, at: F.at(13))
        #expect(result.places.map(\.code) == [F.beijing])
        #expect(result.color == .green)
    }

    @Test func example2ShortExcursionDoesNotBreakTheStay() {
        var observations = [8, 9, 10, 11].map { F.obs(F.beijing, F.at($0)) }
        observations.append(F.obs(F.langfang, F.at(11, 10)))
        observations += [20, 40].map { F.obs(F.beijing, F.at(11, $0)) }
        observations += [0, 20, 40].map { F.obs(F.beijing, F.at(12, $0)) } + [F.obs(F.beijing, F.at(13))]
        let visits = VisitChainer.visits(of: observations, bridge: 1800)
        #expect(
            visits == [
                Visit(place: F.beijing, first: F.at(8), last: F.at(13)),
                Visit(place: F.langfang, first: F.at(11, 10), last: F.at(11, 10)),
            ])
        let result = card(observations, at: F.at(14))
        #expect(result.places.map(\.code) == [F.beijing])
        #expect(result.places[0].firstSeen == F.at(8) && result.places[0].lastSeen == F.at(13))
    }

    @Test func example3LongGapWithAnotherCityBetweenSplitsTheStay() {
        let observations = [
            F.obs(F.beijing, F.at(8)), F.obs(F.beijing, F.at(9)), F.obs(F.tianjin, F.at(10)),
            F.obs(F.beijing, F.at(13)),
        ]
        let visits = VisitChainer.visits(of: observations, bridge: 1800)
        #expect(
            visits.filter { $0.place == F.beijing } == [
                Visit(place: F.beijing, first: F.at(8), last: F.at(9)),
                Visit(place: F.beijing, first: F.at(13), last: F.at(13)),
            ])
        #expect(card(observations, at: F.at(14)).places.isEmpty)
    }

    @Test func example4SameObservationInThreeFilesCountsOnce() {
        var engine = ItineraryEngine<Phone>(rules: rules)
        let observations = [F.at(8), F.at(10), F.at(12, 30)].map { F.obs(F.beijing, $0) }
        var outcomes: [AddOutcome] = []
        for _ in 0..<3 {
            engine.beginFile()
            for observation in observations { outcomes.append(engine.add(observation, for: F.phone)) }
            engine.endFile()
        }
        #expect(outcomes.filter { $0 == .accepted }.count == 3)
        #expect(outcomes.filter { $0 == .duplicate }.count == 6)
        let once = card(observations, at: F.at(13))
        #expect(engine.card(for: F.phone, at: F.at(13)) == once)
    }

    @Test func example5TokyoRoamingTenDaysBeforeIsListedAndYellow() {
        let time = F.at(12, day: 10)
        let result = card([F.obs(F.japan, F.at(12))], at: time)
        #expect(result.places.map(\.code) == [F.japan])
        #expect(result.places[0].kind == .country)
        #expect(result.color == .yellow)
    }
}
