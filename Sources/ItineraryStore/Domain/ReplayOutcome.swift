/// What `itinerary rejects replay` did with the rejected records a reference load may have fixed.
public struct ReplayOutcome: Sendable, Equatable {
    /// Rejects that carried a replayable record.
    public var examined = 0
    /// Applied now, and removed from the rejects store.
    public var applied = 0
    /// Already known to the engine, and removed from the rejects store.
    public var duplicates = 0
    /// Resolved, but older than the watermark: kept in the rejects store as `late`.
    public var late = 0
    /// Still not resolvable (cell or country unknown, or still in the future): kept as they were.
    public var stillRejected = 0

    public init(examined: Int = 0, applied: Int = 0, duplicates: Int = 0, late: Int = 0, stillRejected: Int = 0) {
        self.examined = examined
        self.applied = applied
        self.duplicates = duplicates
        self.late = late
        self.stillRejected = stillRejected
    }

    public var summary: String {
        "replayed \(examined): \(applied) applied, \(duplicates) duplicate, \(late) late (kept as late), "
            + "\(stillRejected) still rejected (kept)"
    }
}
