/// A half-open period `[start, end)` in Unix seconds; `end == nil` while it is still active.
public struct ActivePeriod: Hashable, Sendable {
    public var start: Int64
    public var end: Int64?

    public init(start: Int64, end: Int64?) {
        self.start = start
        self.end = end
    }

    /// Whether the period is in force at `time`.
    public func contains(_ time: Int64) -> Bool {
        start <= time && (end.map { time < $0 } ?? true)
    }

    /// Whether the period shares a moment with the closed interval `[first, last]`.
    public func overlaps(first: Int64, last: Int64) -> Bool {
        start <= last && (end.map { first < $0 } ?? true)
    }
}
