/// A country or region reached by roaming, keyed by its mobile country code (ITU E.212).
public struct Country: Hashable, Sendable {
    public var mcc: Int
    public var code: PlaceCode
    /// The Chinese name shown on the card, e.g. `日本`, `中国香港`.
    public var nameZh: String
    public var nameEn: String

    public init(mcc: Int, code: PlaceCode, nameZh: String, nameEn: String) {
        self.mcc = mcc
        self.code = code
        self.nameZh = nameZh
        self.nameEn = nameEn
    }
}
