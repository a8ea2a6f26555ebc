/// The risk areas in force, indexed by card city, answering the star and exposure rules.
public struct RiskMap: Sendable {
    private let areasByCity: [PlaceCode: [RiskArea]]

    public init<S: Sequence>(_ areas: S) where S.Element == RiskArea {
        areasByCity = Dictionary(grouping: areas, by: \.city)
    }

    public static let empty = RiskMap([])

    /// A city is starred if it contains an area active at `time`.
    public func isStarred(_ city: PlaceCode, at time: Int64) -> Bool {
        areasByCity[city]?.contains { $0.period.contains(time) } ?? false
    }

    /// The highest level among the city's areas whose active period overlaps one of `visits`.
    public func exposure(_ city: PlaceCode, during visits: some Sequence<Visit>) -> RiskLevel? {
        guard let areas = areasByCity[city] else { return nil }
        var highest: RiskLevel?
        for visit in visits {
            for area in areas where area.period.overlaps(first: visit.first, last: visit.last) {
                highest = max(highest ?? area.level, area.level)
            }
        }
        return highest
    }

    /// Every start and end of the city's areas' active periods: the moments its star can change.
    public func periodBoundaries(of city: PlaceCode) -> [Int64] {
        areasByCity[city]?.flatMap { area in [area.period.start] + (area.period.end.map { [$0] } ?? []) } ?? []
    }
}
