/// The card rules (docs/rules.md) as a pure function of visits, the risk areas, close-contact
/// status and `T`.
public struct CardRules: Sendable {
    public var configuration: RuleConfiguration
    public var risk: RiskMap

    public init(configuration: RuleConfiguration = .standard, risk: RiskMap = .empty) {
        self.configuration = configuration
        self.risk = risk
    }

    /// Whether a visit could ever be listed: any visit abroad, a mainland one only with dwell ≥ `D`.
    /// Visits that fail this are never needed again, so state and store keep only the others.
    @inlinable
    public func isListable(_ visit: Visit) -> Bool {
        !visit.place.isMainland || visit.dwell >= configuration.minimumDwell
    }

    /// Whether a visit is listed on a card at `time`: listable, and `[first, last]` meets `[T - W, T]`.
    /// Visits must have been built from observations at or before `time`.
    public func isListed(_ visit: Visit, at time: Int64) -> Bool {
        isListable(visit) && visit.last >= time - configuration.window && visit.first <= time
    }

    /// The card at `time` from a phone's visits (built from observations at or before `time`);
    /// `closeContact` says whether the phone is on an active close-contact list at `time`.
    public func card(visits: some Sequence<Visit>, at time: Int64, closeContact: Bool = false) -> Card {
        var listedByPlace: [PlaceCode: [Visit]] = [:]
        for visit in visits where isListed(visit, at: time) {
            listedByPlace[visit.place, default: []].append(visit)
        }
        var places: [CardPlace] = listedByPlace.map { code, listed in
            CardPlace(
                code: code,
                starred: code.isMainland && risk.isStarred(code, at: time),
                exposure: code.isMainland ? risk.exposure(code, during: listed) : nil,
                firstSeen: listed.lazy.map(\.first).min()!,
                lastSeen: listed.lazy.map(\.last).max()!
            )
        }
        places.sort { ($0.firstSeen, $0.code) < ($1.firstSeen, $1.code) }
        let color: CardColor =
            if closeContact { .orange } else if places.contains(where: { !$0.code.isMainland }) { .yellow } else {
                .green
            }
        return Card(at: time, color: color, places: places)
    }
}
