/// Why one line of a feed is not applied. Raw values are stable: they are stored and counted.
///
/// The reader decides all but `late`, which depends on the watermark and is decided by the engine.
/// When a line has several faults the first in this order is reported.
public enum FeedRejectReason: String, Error, Sendable, CaseIterable, Hashable, Comparable {
    /// Longer than `FeedLimits.maxLineBytes`: skipped to its end, its first 256 bytes kept.
    case lineTooLong = "line_too_long"
    /// More or fewer fields than the header.
    case fieldCount = "field_count"
    case badMSISDN = "bad_msisdn"
    /// Not an integer number of Unix seconds in `Observation.timeRange`.
    case badTime = "bad_time"
    case badMCC = "bad_mcc"
    case badMNC = "bad_mnc"
    case badLAC = "bad_lac"
    case badCellID = "bad_cell_id"
    case badEvent = "bad_event"
    /// More than an hour after the time in its file's name, when the carrier closed the file: a
    /// clock glitch, which must not move the watermark. Final: the name time never changes, so
    /// no later load or clock can make the record valid (it comes before `future` so that a
    /// record both is never replayed).
    case afterFileTime = "after_file_time"
    /// More than ten minutes after the ingest clock.
    case future
    /// A mainland (MCC 460) cell missing from the cell table.
    case unknownCell = "unknown_cell"
    /// A roaming MCC missing from the country table.
    case unknownMCC = "unknown_mcc"
    /// Older than the watermark in force when its file started (decided by the engine).
    case late

    public static func < (lhs: FeedRejectReason, rhs: FeedRejectReason) -> Bool {
        lhs.index < rhs.index
    }
}

extension FeedRejectReason {
    /// Position in `allCases`, for counting in a flat array and for the order of faults.
    var index: Int {
        switch self {
        case .lineTooLong: 0
        case .fieldCount: 1
        case .badMSISDN: 2
        case .badTime: 3
        case .badMCC: 4
        case .badMNC: 5
        case .badLAC: 6
        case .badCellID: 7
        case .badEvent: 8
        case .afterFileTime: 9
        case .future: 10
        case .unknownCell: 11
        case .unknownMCC: 12
        case .late: 13
        }
    }
}
