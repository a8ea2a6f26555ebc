import Synchronization

/// A value remembered for a while on the monotonic clock: the one time-limited cache of the
/// service (the store's data time, the card source's version, the attestation keys). Thread-safe.
final class RecentValue<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var stored: ContinuousClock.Instant?
    }

    /// How long a stored value counts as fresh.
    let lifetime: Duration
    private let state: Mutex<State>

    /// - Parameter initial: a value ``last`` gives until the first ``store(_:)``; it is never fresh.
    init(lifetime: Duration, initial: Value? = nil) {
        self.lifetime = lifetime
        state = Mutex(State(value: initial))
    }

    /// The value stored less than `lifetime` ago, if any.
    var fresh: Value? {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let stored = state.stored, now - stored < lifetime else { return nil }
            return state.value
        }
    }

    /// The value stored last, however old.
    var last: Value? { state.withLock { $0.value } }

    /// Stores `value` as fresh from now; returns the value it replaces.
    @discardableResult
    func store(_ value: Value) -> Value? {
        let now = ContinuousClock.now
        return state.withLock { state in
            defer { state = State(value: value, stored: now) }
            return state.value
        }
    }

    /// Forgets the value: nothing is fresh until the next ``store(_:)``.
    func forget() {
        state.withLock { $0 = State() }
    }
}
