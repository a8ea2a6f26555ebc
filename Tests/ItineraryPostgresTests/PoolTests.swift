import Dispatch
import ItineraryPostgres
import ItineraryTestSupport
import ItineraryTestTags
import Synchronization
import Testing

/// Against a real server; the waits below end when the pool does what it should, so a pool that
/// does not shows as a hang, which the time limit turns into a failure.
@Suite("DatabasePool", .tags(.integration), .timeLimit(.minutes(1)))
struct PoolTests {
    /// A connection's work that holds the connection until the test lets it go.
    private final class Gate: Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        private let inside = Atomic(false)
        /// Whether some work is waiting at the gate (so it holds its connection).
        var isHeld: Bool { inside.load(ordering: .acquiring) }
        func wait() {
            inside.store(true, ordering: .releasing)
            semaphore.wait()
        }
        func open() { semaphore.signal() }
    }

    /// Yields until `condition` holds; the caller states why it must come to pass.
    private func eventually(_ condition: () -> Bool) async {
        while !condition() { await Task.yield() }
    }

    @Test func aCancelledWaiterStopsWaitingAndGivesItsPlaceUp() async throws {
        let pool = DatabasePool(
            connectionString: try SharedTestDatabase.makeScratchDatabase(label: "pool-cancel"), size: 1,
            deadline: .seconds(600))
        let gate = Gate()
        let holder = Task {
            try await pool.run { connection in
                _ = try connection.execute("SELECT 1")
                gate.wait()
                return 1
            }
        }
        await eventually { gate.isHeld }
        let waiter = Task { try await pool.run { try $0.execute("SELECT 2").decode(Int.self, 0, 0) } }
        await eventually { pool.waiting == 1 }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(pool.waiting == 0)

        gate.open()
        #expect(try await holder.value == 1)
        // The connection went to nobody else: the next caller gets it.
        #expect(try await pool.run { try $0.execute("SELECT 3").decode(Int.self, 0, 0) } == 3)
    }

    @Test func aCallerCancelledBeforeItAsksNeverRunsItsWork() async throws {
        let pool = DatabasePool(
            connectionString: try SharedTestDatabase.makeScratchDatabase(label: "pool-precancel"), size: 1,
            deadline: .seconds(600))
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await pool.run { _ in Issue.record("the work of a cancelled caller ran") }
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(try await pool.run { try $0.execute("SELECT 1").decode(Int.self, 0, 0) } == 1)
    }

    @Test func pastTheDeadlineCallersGetDatabaseUnavailable() async throws {
        let pool = DatabasePool(
            connectionString: try SharedTestDatabase.makeScratchDatabase(label: "pool-deadline"), size: 1,
            deadline: .seconds(2))
        _ = try await pool.run { try $0.execute("SELECT 1").rowCount }  // the connection is open
        let gate = Gate()
        let holder = Task { try await pool.run { _ in gate.wait() } }
        await eventually { gate.isHeld }
        // The deadline covers the work: the holder's caller is answered while its work still runs…
        await #expect(throws: DatabaseUnavailable.self) { try await holder.value }
        // …and the wait for the connection that work holds.
        await #expect(throws: DatabaseUnavailable.self) {
            try await pool.run { try $0.execute("SELECT 2").rowCount }
        }
        #expect(pool.waiting == 0)
        gate.open()
        #expect(try await pool.run { try $0.execute("SELECT 3").decode(Int.self, 0, 0) } == 3)
    }

    @Test func tooManyWaitersAreRefusedAtOnce() async throws {
        let pool = DatabasePool(
            connectionString: try SharedTestDatabase.makeScratchDatabase(label: "pool-overload"), size: 1,
            deadline: .seconds(600), maxWaiters: 1)
        let gate = Gate()
        let holder = Task { try await pool.run { _ in gate.wait() } }
        await eventually { gate.isHeld }
        let waiter = Task { try await pool.run { try $0.execute("SELECT 1").decode(Int.self, 0, 0) } }
        await eventually { pool.waiting == 1 }
        let error = await #expect(throws: DatabaseUnavailable.self) { try await pool.run { _ in 0 } }
        #expect(error?.reason == "too many requests waiting for a connection")
        gate.open()
        try await holder.value
        #expect(try await waiter.value == 1)
    }

    @Test func closeDropsConnectionsAndThePoolStaysUsable() async throws {
        let database = try SharedTestDatabase.makeScratchDatabase(label: "pool-close")
        let pool = DatabasePool(connectionString: database, size: 2, deadline: .seconds(600))
        let first = try await pool.run { try $0.execute("SELECT pg_backend_pid()").decode(Int64.self, 0, 0) }
        pool.close()
        let observer = try PostgresConnection(database)
        // The closed session leaves pg_stat_activity once its backend exits.
        while try observer.execute("SELECT 1 FROM pg_stat_activity WHERE pid = $1::int4", .int(first)).rowCount > 0 {
            await Task.yield()
        }
        let second = try await pool.run { try $0.execute("SELECT pg_backend_pid()").decode(Int64.self, 0, 0) }
        #expect(second != first)
    }
}
