#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An `flock` on a file, the one file lock of the project: held while the object lives, and
/// released by the kernel when the process dies, however it dies. Used so that processes sharing
/// a state directory do not run initdb or pg_ctl at the same time, for one streaming process per
/// inbox, and for the test processes sharing one embedded server.
public final class FileLock: @unchecked Sendable {
    /// How the file is held.
    public enum Mode: Sendable {
        /// Many holders at once; excludes an exclusive holder.
        case shared
        /// One holder.
        case exclusive
    }

    /// The locked file.
    public let path: String
    private let descriptor: Int32

    /// Opens (creating it, mode `permissions`) and locks `path`, waiting for other holders.
    /// - Throws: ``FileLockError`` when the file cannot be opened or locked.
    public convenience init(path: String, mode: Mode, permissions: mode_t = 0o600) throws {
        guard let lock = try Self.lock(path: path, mode: mode, permissions: permissions, wait: true) else {
            throw FileLockError(path: path, reason: "held by another process")
        }
        self.init(path: path, descriptor: lock)
    }

    /// Opens and locks `path` unless another process holds it: `nil` then, without waiting.
    /// - Throws: ``FileLockError`` when the file cannot be opened or locked for another reason.
    public static func attempt(path: String, mode: Mode, permissions: mode_t = 0o600) throws -> FileLock? {
        try lock(path: path, mode: mode, permissions: permissions, wait: false).map {
            FileLock(path: path, descriptor: $0)
        }
    }

    /// Runs `body` holding `path` exclusively.
    public static func withExclusiveLock<T>(at path: String, _ body: () throws -> T) throws -> T {
        let lock = try FileLock(path: path, mode: .exclusive)
        return try withExtendedLifetime(lock) { try body() }
    }

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Makes a shared lock exclusive if no one else holds the file; `false`, without waiting, if
    /// someone does (the lock stays shared).
    public func attemptExclusive() -> Bool {
        flock(descriptor, LOCK_EX | LOCK_NB) == 0
    }

    private static func lock(path: String, mode: Mode, permissions: mode_t, wait: Bool) throws -> Int32? {
        // O_CLOEXEC: a lock inherited by a child (the postmaster) would never be released.
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, permissions)
        guard descriptor >= 0 else { throw FileLockError(path: path, reason: String(cString: strerror(errno))) }
        let operation = (mode == .shared ? LOCK_SH : LOCK_EX) | (wait ? 0 : LOCK_NB)
        while flock(descriptor, operation) != 0 {
            let code = errno
            guard code == EINTR else {
                close(descriptor)
                if code == EWOULDBLOCK { return nil }
                throw FileLockError(path: path, reason: String(cString: strerror(code)))
            }
        }
        return descriptor
    }
}

/// A lock file that could not be opened or locked.
public struct FileLockError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot lock \(path): \(reason)" }
}
