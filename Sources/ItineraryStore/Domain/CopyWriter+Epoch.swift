import ItineraryCore
import ItineraryPostgres

extension CopyWriter {
    /// Appends a `timestamptz` from seconds since 1970 (UTC, years 1-9999): the calendar is
    /// ItineraryCore's, so the driver stays free of it.
    public mutating func appendTimestamp(epochSeconds: Int64) {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        let (year, month, day) = UTCTimestamp.civilDate(fromDays: days)
        appendTimestamp(year: year, month: month, day: day, secondOfDay: epochSeconds - days * 86_400)
    }
}
