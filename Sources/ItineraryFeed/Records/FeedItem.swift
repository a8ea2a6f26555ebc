import ItineraryCore

/// One non-blank line of a feed file, as the reader hands it on.
public enum FeedItem: Sendable {
    /// A valid record: the normalised phone and its observation; `line` is 1-based and `raw`
    /// its bytes, valid only during the callback, should it be needed raw.
    case record(phone: Phone, observation: Observation, line: Int, raw: FeedLine)
    /// A line that is not applied.
    case rejected(FeedReject)
}
