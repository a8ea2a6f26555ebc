/// The columns a feed header must name (docs/feed-format.md), in any order.
public enum FeedColumn: Int, Sendable, CaseIterable {
    case msisdn
    case eventTime
    case mcc
    case mnc
    case lac
    case cellID
    case event

    /// The column name in the header.
    public var name: String {
        switch self {
        case .msisdn: "msisdn"
        case .eventTime: "event_time"
        case .mcc: "mcc"
        case .mnc: "mnc"
        case .lac: "lac"
        case .cellID: "cell_id"
        case .event: "event"
        }
    }
}
