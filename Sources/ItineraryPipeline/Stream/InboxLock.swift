import Foundation

/// One streaming process per inbox: an exclusive lock on `INBOX/.itinerary-stream.lock`,
/// released by the kernel when the process dies, however it dies. Taken before the store's
/// writer lock, so a second daemon on the same inbox is refused at once instead of waiting.
public final class InboxLock: @unchecked Sendable {
    private let descriptor: Int32

    /// Creates the inbox if needed and takes its lock.
    /// - Throws: `StreamError` when another process holds it.
    public init(inbox: URL) throws {
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let path = inbox.appendingPathComponent(".itinerary-stream.lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StreamError(message: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw StreamError(message: "another stream process holds \(path)")
        }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }
}
