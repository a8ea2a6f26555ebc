import ItineraryCore

/// One non-blank line of a feed file, as the reader hands it on.
public enum FeedItem: Sendable {
    /// A valid record: the normalised phone and its observation; `line` is 1-based and `bytes`
    /// its span in the file's decompressed CSV (without the line end), should it be needed raw.
    case record(phone: Phone, observation: Observation, line: Int, bytes: Range<Int>)
    /// A line that is not applied.
    case rejected(FeedReject)
}
