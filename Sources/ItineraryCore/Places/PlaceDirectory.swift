/// Reference places: which card city a division belongs to, which country an MCC is, and the
/// names a card shows (浙江省杭州市, 北京市, 日本).
public struct PlaceDirectory: Sendable {
    /// The mainland's mobile country code: any other MCC is roaming abroad.
    public static let mainlandMCC = 460

    private let divisions: [Int: Division]
    private let countriesByMCC: [Int: Country]
    private let countriesByCode: [PlaceCode: Country]

    public init(divisions: some Sequence<Division>, countries: some Sequence<Country>) {
        self.divisions = Dictionary(divisions.map { ($0.adcode, $0) }, uniquingKeysWith: { first, _ in first })
        let countries = Array(countries)
        countriesByMCC = Dictionary(countries.map { ($0.mcc, $0) }, uniquingKeysWith: { first, _ in first })
        countriesByCode = Dictionary(countries.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The card city of a division's adcode, `nil` if unknown or without a city.
    public func city(ofAdcode adcode: Int) -> PlaceCode? {
        divisions[adcode]?.city.flatMap { PlaceCode(adcode: $0) }
    }

    /// The country or region of a non-mainland MCC.
    public func country(mcc: Int) -> Country? { countriesByMCC[mcc] }

    public var countries: [Country] { Array(countriesByMCC.values) }

    /// Every place a card can name: the card cities of the divisions, then the countries and
    /// regions, each once, in code order.
    public var cardPlaces: [PlaceCode] {
        let cities = Set(divisions.values.compactMap { $0.city.flatMap { PlaceCode(adcode: $0) } })
        return cities.union(countriesByCode.keys).sorted()
    }

    /// The name a card shows: province and city for a prefecture city (浙江省杭州市), the city alone
    /// for a municipality (北京市), the Chinese name abroad (日本); the code if unknown.
    public func displayName(_ code: PlaceCode) -> String {
        guard let adcode = code.adcode else { return countriesByCode[code]?.nameZh ?? code.description }
        guard let city = divisions[adcode] else { return code.description }
        let province = divisions[city.province]
        if city.province == adcode || province == nil || province?.name == city.name {
            return city.name
        }
        return province!.name + city.name
    }

    /// The English name: `Hangzhou, Zhejiang` for a prefecture city, `Beijing` for a municipality,
    /// the English name abroad (`Japan`); the Chinese name where no English one is known.
    public func displayNameEn(_ code: PlaceCode) -> String {
        guard let adcode = code.adcode else { return countriesByCode[code]?.nameEn ?? code.description }
        guard let city = divisions[adcode], let cityName = city.nameEn else { return displayName(code) }
        guard city.province != adcode, let province = divisions[city.province], province.name != city.name,
            let provinceName = province.nameEn
        else { return cityName }
        return cityName + ", " + provinceName
    }
}
