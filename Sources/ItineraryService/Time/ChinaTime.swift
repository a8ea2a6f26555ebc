import ItineraryCore

/// China Standard Time (UTC+8, no daylight saving) as the card shows it.
enum ChinaTime {
    static let offset: Int64 = 8 * 3600

    /// `2022.05.14 08:00:00`, the original card's "更新于" format.
    static func cardStamp(_ seconds: Int64) -> String {
        let iso = UTCTimestamp.format(seconds, offset: offset)  // 2022-05-14T08:00:00+08:00
        let date = String(iso.prefix(10).map { $0 == "-" ? "." : $0 })
        let time = iso.dropFirst(11).prefix(8)
        return date + " " + time
    }
}
