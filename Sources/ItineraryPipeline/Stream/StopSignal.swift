import Dispatch
import ItineraryCore
import Synchronization

/// A stop request for the streaming loop: set by `request()` (the `stream` command's service
/// does it on graceful shutdown — SIGTERM/SIGINT — or cancellation), checked between files, and
/// waking a loop that sleeps between polls. The file in hand commits (or rolls back), the loop
/// ends, and the process exits 0.
public final class StopSignal: Sendable {
    private let requested = Atomic<Int>(0)
    private let wakeup = DispatchSemaphore(value: 0)

    public init() {}

    /// Whether a stop was requested.
    public var isRequested: Bool { requested.load(ordering: .acquiring) > 0 }

    /// Requests a stop; returns how many requests there have been, this one included.
    @discardableResult
    public func request() -> Int {
        let count = requested.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
        wakeup.signal()
        return count
    }

    /// Sleeps up to `duration`, returning early (true) if a stop is requested.
    @discardableResult
    public func sleep(for duration: Duration) -> Bool {
        if isRequested { return true }
        _ = wakeup.wait(timeout: .now() + .nanoseconds(Int(duration.inMilliseconds) * 1_000_000))
        if isRequested {
            wakeup.signal()  // keep later sleeps short too
            return true
        }
        return false
    }
}
