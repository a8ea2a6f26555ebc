/// A Chinese administrative division and the card city it belongs to (docs/feed-format.md).
public struct Division: Hashable, Sendable {
    public var adcode: Int
    public var name: String
    /// `province`, `city` or `district` as in the divisions table.
    public var level: String
    public var province: Int
    /// The card city: a prefecture city, a municipality, or a county-level city directly under a province.
    public var city: Int?
    /// The English name (`Hangzhou`, `Zhejiang`), for provinces and card cities; `nil` when unknown.
    public var nameEn: String?

    public init(adcode: Int, name: String, level: String, province: Int, city: Int?, nameEn: String? = nil) {
        self.adcode = adcode
        self.name = name
        self.level = level
        self.province = province
        self.city = city
        self.nameEn = nameEn
    }
}
