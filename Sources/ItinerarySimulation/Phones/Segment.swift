/// A stretch of one phone's day: where it is and how it behaves there.
struct Segment: Sendable {
    enum Place: Sendable {
        /// Staying among these mainland cells.
        case stay([Int])
        /// Moving through these cells in turn (a commute or a train passing a city).
        case move([Int])
        /// Bouncing between two cells across a city border every few minutes.
        case pingPong(Int, Int)
        /// Roaming abroad.
        case abroad(mcc: Int, mnc: Int, cells: [(lac: Int, cellID: Int)])
    }

    var start: Int64
    var end: Int64
    var place: Place
    /// The first event: `attach` after a night switched off, `lu` on arrival, `ho` on the move.
    var entry: SimulatedEvent
    /// Whether the phone is switched off at the end (a `detach` closes the segment).
    var detachAtEnd = false
}
