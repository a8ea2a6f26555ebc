import Dispatch
import Foundation
import Synchronization

/// A stop request for the streaming loop: set by SIGTERM/SIGINT (or `request()`), checked between
/// files, and waking a loop that sleeps between polls.
///
/// `install` sets each signal to `SIG_IGN` and watches it with a `DispatchSource`, so the signal
/// never kills the process mid-file: the file in hand commits (or rolls back), the loop ends,
/// and the process exits 0. A second signal while stopping exits at once with status 1 (safe:
/// every file is one transaction).
public final class StopSignal: Sendable {
    private let requested = Atomic<Int>(0)
    private let wakeup = DispatchSemaphore(value: 0)
    /// Signal sources, kept alive for the life of the process.
    private struct Sources: @unchecked Sendable { var list: [any DispatchSourceSignal] = [] }
    private let sources = Mutex(Sources())

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

    /// Turns `signals` into stop requests. `onSignal` is told of each (for logging).
    public func install(_ signals: [Int32] = [SIGTERM, SIGINT], onSignal: @escaping @Sendable (Int32, Int) -> Void = { _, _ in }) {
        let queue = DispatchQueue(label: "itinerary.stream.signals")
        var installed: [any DispatchSourceSignal] = []
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in
                let count = request()
                onSignal(number, count)
                if count > 1 { exit(1) }
            }
            source.resume()
            installed.append(source)
        }
        let kept = Sources(list: installed)
        sources.withLock { $0.list += kept.list }
    }

    /// Sleeps up to `seconds`, returning early (true) if a stop is requested.
    @discardableResult
    public func sleep(seconds: Double) -> Bool {
        if isRequested { return true }
        _ = wakeup.wait(timeout: .now() + seconds)
        if isRequested {
            wakeup.signal()  // keep later sleeps short too
            return true
        }
        return false
    }
}
