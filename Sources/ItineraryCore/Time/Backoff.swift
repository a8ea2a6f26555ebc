/// Exponential back-off, the one retry schedule of the project: `first` after the first failure,
/// doubling with each further failure, never more than `maximum`. Used by the outbox sender, the
/// webhook gateway and the stream runner.
public struct Backoff: Sendable, Hashable {
    /// The pause after one failure.
    public var first: Duration
    /// The longest pause.
    public var maximum: Duration

    public init(first: Duration, maximum: Duration) {
        self.first = first
        self.maximum = maximum
    }

    /// The pause after `failures` failures in a row (`first` for 0 or 1).
    public func delay(afterFailures failures: Int) -> Duration {
        // 2^16 times any sensible first pause is past any sensible maximum; the cap keeps the
        // multiplication from overflowing.
        min(maximum, first * (1 << max(0, min(failures - 1, 16))))
    }
}
