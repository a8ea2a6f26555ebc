import Synchronization

/// A clock that only moves when told to; thread-safe. For tests and simulations.
public final class ManualClock: WallClock {
    private let current: Mutex<Int64>

    /// Starts at `start` Unix seconds.
    public init(_ start: Int64) { current = Mutex(start) }

    public func now() -> Int64 { current.withLock { $0 } }

    /// Moves the clock forward (or back, with a negative value) by `seconds`.
    public func advance(by seconds: Int64) { current.withLock { $0 += seconds } }

    /// Sets the clock to `seconds`.
    public func set(_ seconds: Int64) { current.withLock { $0 = seconds } }
}
