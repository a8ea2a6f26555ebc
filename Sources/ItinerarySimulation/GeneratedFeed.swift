import Foundation
import ItineraryCore
import ItineraryFeed

/// What `FeedGenerator.write(to:)` produced.
public struct GeneratedFeed: Sendable {
    /// The feed files, in delivery order.
    public let files: [URL]
    /// The cells CSV matching the files.
    public let cells: URL
    /// Every simulated phone.
    public let phones: [Phone]
    /// Each phone's home city, in the order of `phones`.
    public let homeCities: [PlaceCode]
    /// Record lines written (duplicates and malformed lines included; headers and blank lines not).
    public let lines: Int
    /// Records written a second time.
    public let duplicates: Int
    /// Lines damaged on purpose, by the reason the reader should give (no `future`: a line
    /// after the ingest clock is after its file's name time too, and that is decided first).
    public let malformed: [FeedRejectReason: Int]
    /// The simulated period `[start, end)`, Unix seconds.
    public let start: Int64
    public let end: Int64
}
