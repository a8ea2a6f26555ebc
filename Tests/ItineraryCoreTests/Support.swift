import ItineraryCore

/// Helpers that read like the worked examples of docs/rules.md.
enum Fixture {
    static let beijing = PlaceCode(adcode: 110000)!
    static let tianjin = PlaceCode(adcode: 120000)!
    static let langfang = PlaceCode(adcode: 131000)!
    static let hangzhou = PlaceCode(adcode: 330100)!
    static let japan = PlaceCode(iso2: "JP")!
    static let hongKong = PlaceCode(iso2: "HK")!
    static let phone = Phone("13800138000")!

    /// 2022-05-01T00:00:00Z
    static let day0: Int64 = 1_651_363_200

    static func at(_ hour: Int, _ minute: Int = 0, day: Int = 0) -> Int64 {
        day0 + Int64(day) * 86_400 + Int64(hour) * 3600 + Int64(minute) * 60
    }

    static func obs(_ place: PlaceCode, _ time: Int64) -> Observation {
        Observation(time: time, place: place)
    }

    /// The naive reference: the visit rules (docs/rules.md) read literally over all of a phone's observations.
    static func referenceVisits(_ observations: [Observation], bridge: Int64) -> [Visit] {
        let sorted = Array(Set(observations)).sorted()
        var visits: [Visit] = []
        for place in Set(sorted.map(\.place)) {
            let indices = sorted.indices.filter { sorted[$0].place == place }
            var start = indices[0]
            for (previous, next) in zip(indices, indices.dropFirst()) {
                let linked = next == previous + 1 || sorted[next].time - sorted[previous].time <= bridge
                if !linked {
                    visits.append(Visit(place: place, first: sorted[start].time, last: sorted[previous].time))
                    start = next
                }
            }
            visits.append(Visit(place: place, first: sorted[start].time, last: sorted[indices.last!].time))
        }
        return visits.sorted()
    }

    /// The card straight from all observations at or before `time`, through the reference visits.
    static func referenceCard(_ observations: [Observation], rules: CardRules, at time: Int64) -> Card {
        let visits = referenceVisits(observations.filter { $0.time <= time }, bridge: rules.configuration.bridge)
        return rules.card(visits: visits, at: time)
    }
}
