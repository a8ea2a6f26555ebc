/// The simulated geography: cities, their cells and which cities are near each other.
struct World: Sendable {
    let cities: [SimulatedCity]
    let cells: CellPlan
    /// For each city, the other cities within commuting distance, nearest first.
    let neighbours: [[Int]]

    /// Cities within this many km are neighbours: commuting and border ping-pong happen between them.
    static let neighbourDistance = 120.0

    init(cities: [SimulatedCity], cells: CellPlan) {
        self.cities = cities
        self.cells = cells
        neighbours = cities.indices.map { a in
            cities.indices
                .filter { $0 != a && cities[a].distance(to: cities[$0]) < Self.neighbourDistance }
                .sorted { cities[a].distance(to: cities[$0]) < cities[a].distance(to: cities[$1]) }
        }
    }

    /// Cities a train from `a` to `b` passes, in order: near the straight route, strictly between.
    func intermediates(from a: Int, to b: Int) -> [Int] {
        cities.indices
            .compactMap { index -> (Int, Double)? in
                guard index != a, index != b else { return nil }
                let (fraction, offset) = cities[index].position(onRouteFrom: cities[a], to: cities[b])
                return fraction > 0.05 && fraction < 0.95 && offset < 60 ? (index, fraction) : nil
            }
            .sorted { $0.1 < $1.1 }
            .map(\.0)
    }
}
