import Dispatch
import ItineraryCore
import Synchronization

/// The connections of one process that serves requests (the lookup service: its own state and the
/// cards): a few libpq connections, each driven from its own serial dispatch queue so blocking libpq
/// calls never run on the NIO event loops or the Swift concurrency pool.
///
/// Every call has a deadline covering the wait for a connection and the work itself; past it the
/// caller gets ``DatabaseUnavailable`` at once (the connection finishes its statement on its
/// queue — the server-side `statement_timeout` bounds that). Connections are opened lazily
/// and dropped after a connection failure, so the pool recovers when the server returns.
public final class DatabasePool: Sendable {
    private final class Slot: @unchecked Sendable {
        let queue: DispatchQueue
        /// Only touched on `queue`.
        var connection: PostgresConnection?

        init(index: Int) { queue = DispatchQueue(label: "itinerary.lookup.db.\(index)") }
    }

    private struct State {
        var free: [Int]
        var waiters: [@Sendable (Int) -> Void] = []
    }

    private let slots: [Slot]
    private let state: Mutex<State>
    private let connectionString: String
    private let deadline: Duration
    private let maxWaiters: Int
    private let sessionSetup: String

    /// - Parameters:
    ///   - connectionString: libpq conninfo or URL; a 2 s `connect_timeout` is added when absent.
    ///   - size: number of connections.
    ///   - deadline: the longest a caller waits for an answer.
    ///   - statementTimeout: the server-side limit of one statement.
    public init(
        connectionString: String, size: Int, deadline: Duration, statementTimeout: Duration = .seconds(5),
        maxWaiters: Int = 512
    ) {
        precondition(size > 0)
        slots = (0..<size).map(Slot.init(index:))
        state = Mutex(State(free: Array(0..<size)))
        self.connectionString = Self.addingConnectTimeout(to: connectionString, seconds: 2)
        self.deadline = deadline
        self.maxWaiters = maxWaiters
        let milliseconds = statementTimeout.inMilliseconds
        sessionSetup =
            "SET statement_timeout = \(milliseconds); SET lock_timeout = \(milliseconds); "
            + "SET idle_in_transaction_session_timeout = \(milliseconds * 2)"
    }

    /// Runs `body` with a connection on that connection's queue.
    public func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        let once = OnceContinuation<T>()
        let deadline = self.deadline
        let timer = Mutex<Task<Void, any Error>?>(nil)
        defer { timer.withLock { $0?.cancel() } }
        return try await withCheckedThrowingContinuation { continuation in
            once.install(continuation)
            timer.withLock {
                $0 = Task {
                    try await Task.sleep(for: deadline)
                    once.resume(with: .failure(DatabaseUnavailable(reason: "no answer within \(deadline)")))
                }
            }
            acquire(
                onSlot: { index in
                    let slot = self.slots[index]
                    slot.queue.async {
                        defer { self.release(index) }
                        guard !once.isDone else { return }  // the caller gave up while waiting
                        once.resume(with: Result { try self.execute(body, on: slot) })
                    }
                },
                onOverload: {
                    once.resume(
                        with: .failure(DatabaseUnavailable(reason: "too many requests waiting for a connection")))
                }
            )
        }
    }

    /// Closes idle connections (on their queues).
    public func close() {
        for slot in slots { slot.queue.async { slot.connection = nil } }
    }

    private func execute<T>(_ body: (PostgresConnection) throws -> T, on slot: Slot) throws -> T {
        do {
            if let existing = slot.connection, existing.isConnected {
                do {
                    return try body(existing)
                } catch let error as PostgresError where error.isConnectionFailure || !existing.isConnected {
                    // A pooled connection that went stale (say the server restarted since it was
                    // last used) fails on its first statement; retry once on a fresh connection.
                    slot.connection = nil
                }
            }
            slot.connection = nil
            let connection = try PostgresConnection(connectionString)
            try connection.executeScript(sessionSetup)
            slot.connection = connection
            return try body(connection)
        } catch let error as PostgresError where error.isConnectionFailure || !(slot.connection?.isConnected ?? false) {
            // Any failure that leaves no usable connection — including one while a fresh
            // connection was being set up, when `slot.connection` is still nil — is the database
            // being away (503), never a bad request (500).
            slot.connection = nil
            throw DatabaseUnavailable(reason: error.message)
        }
    }

    private func acquire(onSlot: @escaping @Sendable (Int) -> Void, onOverload: () -> Void) {
        enum Action { case run(Int), wait, overload }
        let action: Action = state.withLock { state in
            if let index = state.free.popLast() { return .run(index) }
            guard state.waiters.count < maxWaiters else { return .overload }
            state.waiters.append(onSlot)
            return .wait
        }
        switch action {
        case .run(let index): onSlot(index)
        case .wait: break
        case .overload: onOverload()
        }
    }

    private func release(_ index: Int) {
        let next: (@Sendable (Int) -> Void)? = state.withLock { state in
            if state.waiters.isEmpty {
                state.free.append(index)
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?(index)
    }

    /// Adds `connect_timeout` so an unreachable server fails fast (libpq's minimum is 2 s).
    static func addingConnectTimeout(to connectionString: String, seconds: Int) -> String {
        guard !connectionString.contains("connect_timeout") else { return connectionString }
        if connectionString.hasPrefix("postgres://") || connectionString.hasPrefix("postgresql://") {
            return connectionString + (connectionString.contains("?") ? "&" : "?") + "connect_timeout=\(seconds)"
        }
        return "connect_timeout=\(seconds) " + connectionString
    }
}
