import Foundation

extension Thread {
    /// Runs `body` on a new thread; blocking calls here must not occupy Swift's cooperative pool.
    public static func detachNewThreadWithResult<T: Sendable>(
        _ body: @escaping @Sendable () throws -> T
    ) -> PendingResult<T> {
        let pending = PendingResult<T>()
        Thread.detachNewThread { pending.finish(Result { try body() }) }
        return pending
    }
}

/// A result delivered by another thread.
public final class PendingResult<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<T, any Error>?

    func finish(_ result: Result<T, any Error>) {
        condition.withLock {
            self.result = result
            condition.signal()
        }
    }

    /// Waits for the other thread's result and returns it (or throws its error).
    public func wait() throws -> T {
        try condition.withLock {
            while true {
                if let result { return try result.get() }
                condition.wait()
            }
        }
    }
}
