/// One listed place on a card.
public struct CardPlace: Hashable, Sendable {
    public var code: PlaceCode
    /// The city contains an area active at the card's time (it marks the city, not the phone).
    public var starred: Bool
    /// The highest risk level of the city's areas active during one of the phone's listed visits.
    public var exposure: RiskLevel?
    /// Earliest start of the place's listed visits.
    public var firstSeen: Int64
    /// Latest end of the place's listed visits.
    public var lastSeen: Int64

    public init(code: PlaceCode, starred: Bool, exposure: RiskLevel?, firstSeen: Int64, lastSeen: Int64) {
        self.code = code
        self.starred = starred
        self.exposure = exposure
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    public var kind: PlaceKind { code.kind }
}
