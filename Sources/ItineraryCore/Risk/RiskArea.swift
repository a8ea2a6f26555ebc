/// A medium- or high-risk area (a street or community) inside a district or city.
public struct RiskArea: Hashable, Sendable {
    /// The district or city adcode the list names.
    public var adcode: Int
    /// The card city the area lies in.
    public var city: PlaceCode
    public var name: String
    public var level: RiskLevel
    public var period: ActivePeriod

    public init(adcode: Int, city: PlaceCode, name: String, level: RiskLevel, period: ActivePeriod) {
        self.adcode = adcode
        self.city = city
        self.name = name
        self.level = level
        self.period = period
    }
}
