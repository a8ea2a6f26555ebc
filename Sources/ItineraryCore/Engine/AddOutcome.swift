/// What the engine did with one observation.
public enum AddOutcome: Sendable, Hashable {
    /// Applied.
    case accepted
    /// Identical to one already held: observations are a set.
    case duplicate
    /// Older than the watermark in force when its file started: kept out (docs/feed-format.md).
    case late
}
