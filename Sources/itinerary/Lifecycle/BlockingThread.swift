import Foundation

/// Blocking work (libpq, file I/O, waiting on `pg_ctl`) run on a thread of its own, never on
/// Swift's cooperative pool, whose few threads must stay free for the server and its services.
enum BlockingThread {
    static func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Result { () throws(E) -> T in try body() })
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        return try result.get()
    }
}
