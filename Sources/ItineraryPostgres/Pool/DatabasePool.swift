import NIOPosix
import Synchronization

/// The connections of one process that serves requests (the lookup service: its own state and the
/// cards): a few libpq connections whose blocking calls run on the pool's own `NIOThreadPool`, one
/// thread per connection, so they never block the NIO event loops or the Swift concurrency pool.
///
/// A caller waits first for a free connection (in arrival order), then for its work. Both waits
/// end early:
/// - past the pool's deadline (which covers both) with ``DatabaseUnavailable``;
/// - when the caller's task is cancelled, with `CancellationError`.
/// A caller that stops waiting for a connection gives its place up; work already running on a
/// connection finishes there (the server-side `statement_timeout` bounds it) and only then frees
/// the connection. More than `maxWaiters` callers waiting get ``DatabaseUnavailable`` at once.
/// Connections are opened lazily and dropped after a connection failure, so the pool recovers
/// when the server returns.
public final class DatabasePool: Sendable {
    private final class Slot: @unchecked Sendable {
        /// Touched only by the one caller holding the slot (the pool hands a slot to one at a time).
        var connection: PostgresConnection?
    }

    private struct Waiter {
        let id: UInt64
        let handOver: @Sendable (Int) -> Void
    }

    private struct State {
        var free: [Int]
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
        /// Busy slots whose connection ``close()`` drops when their work ends.
        var closing: Set<Int> = []
    }

    private let slots: [Slot]
    private let state: Mutex<State>
    private let threads: NIOThreadPool
    private let connectionString: String
    private let deadline: Duration
    private let maxWaiters: Int
    private let sessionSetup: String

    /// - Parameters:
    ///   - connectionString: libpq conninfo or URL; a 2 s `connect_timeout` is added when absent.
    ///   - size: number of connections (and threads).
    ///   - deadline: the longest a caller waits for an answer.
    ///   - statementTimeout: the server-side limit of one statement.
    ///   - maxWaiters: callers waiting for a connection beyond which a new one is refused at once.
    public init(
        connectionString: String, size: Int, deadline: Duration, statementTimeout: Duration = .seconds(5),
        maxWaiters: Int = 512
    ) {
        precondition(size > 0)
        slots = (0..<size).map { _ in Slot() }
        state = Mutex(State(free: Array(0..<size)))
        threads = NIOThreadPool(numberOfThreads: size)
        threads.start()
        self.connectionString = Self.addingConnectTimeout(to: connectionString, seconds: 2)
        self.deadline = deadline
        self.maxWaiters = maxWaiters
        let milliseconds = Int64(statementTimeout / .milliseconds(1))
        sessionSetup =
            "SET statement_timeout = \(milliseconds); SET lock_timeout = \(milliseconds); "
            + "SET idle_in_transaction_session_timeout = \(milliseconds * 2)"
    }

    deinit { threads.shutdownGracefully { _ in } }

    /// Callers waiting for a connection now.
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Runs `body` with a connection, on the pool's threads.
    /// - Throws: ``DatabaseUnavailable`` past the deadline, when too many callers wait, or when
    ///   the server cannot be reached; `CancellationError` when the caller's task is cancelled
    ///   first; else what `body` throws.
    public func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        let once = OnceContinuation<T>()
        let id = state.withLock { state in
            defer { state.nextID &+= 1 }
            return state.nextID
        }
        let deadline = self.deadline
        let timer = Task { [weak self] in
            guard (try? await Task.sleep(for: deadline)) != nil else { return }  // cancelled: answered in time
            self?.giveUpWaiting(id)
            once.resume(with: .failure(DatabaseUnavailable(reason: "no answer within \(deadline)")))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                once.install(continuation)
                guard !once.isDone else { return }  // cancelled before it asked
                acquire(
                    id: id,
                    handOver: { index in self.start(body, on: index, for: once) },
                    onOverload: {
                        once.resume(
                            with: .failure(DatabaseUnavailable(reason: "too many requests waiting for a connection")))
                    })
            }
        } onCancel: {
            giveUpWaiting(id)
            once.resume(with: .failure(CancellationError()))
        }
    }

    /// Closes the connections: idle ones now, busy ones when their work ends. The pool stays
    /// usable (a later call opens a connection again).
    public func close() {
        let idle: [Int] = state.withLock { state in
            state.closing = Set(slots.indices).subtracting(state.free)
            defer { state.free = [] }
            return state.free
        }
        for index in idle {
            threads.submit { _ in
                self.slots[index].connection = nil
                self.release(index)
            }
        }
    }

    /// Runs `body` on slot `index` on the pool's threads, unless the caller stopped waiting; the
    /// slot is released when the work ends, whoever still waits for it.
    private func start<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> T, on index: Int, for once: OnceContinuation<T>
    ) {
        guard !once.isDone else { return release(index) }
        threads.submit { state in
            defer { self.release(index) }
            guard state == .active else {
                return once.resume(with: .failure(DatabaseUnavailable(reason: "the pool is closed")))
            }
            guard !once.isDone else { return }  // the caller gave up meanwhile
            once.resume(with: Result { try self.execute(body, on: self.slots[index]) })
        }
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

    private func acquire(id: UInt64, handOver: @escaping @Sendable (Int) -> Void, onOverload: () -> Void) {
        enum Action { case run(Int), wait, overload }
        let action: Action = state.withLock { state in
            if let index = state.free.popLast() { return .run(index) }
            guard state.waiters.count < maxWaiters else { return .overload }
            state.waiters.append(Waiter(id: id, handOver: handOver))
            return .wait
        }
        switch action {
        case .run(let index): handOver(index)
        case .wait: break
        case .overload: onOverload()
        }
    }

    /// Takes a caller out of the queue (a no-op once it holds a connection).
    private func giveUpWaiting(_ id: UInt64) {
        state.withLock { state in state.waiters.removeAll { $0.id == id } }
    }

    /// Hands slot `index`, which the caller holds, to the next waiter or back to the free list.
    private func release(_ index: Int) {
        if state.withLock({ $0.closing.remove(index) != nil }) { slots[index].connection = nil }
        let next: Waiter? = state.withLock { state in
            if state.waiters.isEmpty {
                state.free.append(index)
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.handOver(index)
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
