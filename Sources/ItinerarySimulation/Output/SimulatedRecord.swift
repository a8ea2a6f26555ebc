import ItineraryFeed

/// One generated feed record before it is written; `fault` makes it a malformed line.
struct SimulatedRecord: Sendable {
    var time: Int64
    var phone: UInt64
    var mcc: Int
    var mnc: Int
    var lac: Int
    var cellID: Int
    var event: SimulatedEvent
    var fault: FeedRejectReason?
}

/// The event kinds of docs/feed-format.md.
enum SimulatedEvent: String, Sendable, CaseIterable {
    case attach, detach, lu, ho, call, sms, data
}
