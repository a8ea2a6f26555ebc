import Foundation
import ItineraryStore

/// One streaming process per inbox: an exclusive ``FileLock`` on `INBOX/.itinerary-stream.lock`,
/// released by the kernel when the process dies, however it dies. Taken before the store's
/// writer lock, so a second daemon on the same inbox is refused at once instead of waiting.
public final class InboxLock: Sendable {
    private let lock: FileLock

    /// Creates the inbox if needed and takes its lock.
    /// - Throws: `StreamError` when another process holds it.
    public init(inbox: URL) throws {
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let path = inbox.appendingPathComponent(".itinerary-stream.lock").path
        do {
            guard let lock = try FileLock.attempt(path: path, mode: .exclusive, permissions: 0o644) else {
                throw StreamError(message: "another stream process holds \(path)")
            }
            self.lock = lock
        } catch let error as FileLockError {
            throw StreamError(message: "cannot open \(path): \(error.reason)")
        }
    }
}
