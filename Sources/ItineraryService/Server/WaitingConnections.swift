import NIOCore
import Synchronization

/// The server's open connections and, oldest first, those waiting for a request head (just
/// opened, half-sent, or idle between requests). Past `sheddingThreshold` open connections each
/// new one closes the oldest waiting connection, so a flood of silent or half-sent connections
/// cannot lock real clients out while the idle timeout has not yet closed them.
final class WaitingConnections: Sendable {
    private struct State {
        var open = 0
        /// Waiting connections by the order they started waiting in; ids are never reused.
        var waiting: [UInt64: any Channel] = [:]
        var nextID: UInt64 = 0
        /// No waiting connection has an id below this.
        var oldestID: UInt64 = 0
    }

    private let state = Mutex(State())
    let sheddingThreshold: Int

    init(sheddingThreshold: Int) {
        self.sheddingThreshold = sheddingThreshold
    }

    /// Counts a new connection and returns the connection to close to make room for it, if any.
    func open() -> (any Channel)? {
        state.withLock { state in
            state.open += 1
            guard state.open > sheddingThreshold else { return nil }
            while state.oldestID < state.nextID {
                defer { state.oldestID += 1 }
                if let oldest = state.waiting.removeValue(forKey: state.oldestID) { return oldest }
            }
            return nil
        }
    }

    func close() {
        state.withLock { $0.open -= 1 }
    }

    /// Notes that `channel` waits for a request head; returns its place in the line.
    func startWaiting(_ channel: any Channel) -> UInt64 {
        state.withLock { state in
            defer { state.nextID += 1 }
            state.waiting[state.nextID] = channel
            return state.nextID
        }
    }

    func stopWaiting(_ id: UInt64) {
        _ = state.withLock { $0.waiting.removeValue(forKey: id) }
    }

    /// Open connections now.
    var openCount: Int { state.withLock { $0.open } }
}
