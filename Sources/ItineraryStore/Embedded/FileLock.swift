#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on a file, so that processes sharing a state directory (a CLI and a
/// service, or parallel test runs) do not run initdb or pg_ctl at the same time.
enum FileLock {
    static func withExclusiveLock<T>(at path: String, _ body: () throws -> T) throws -> T {
        // O_CLOEXEC: a lock inherited by the postmaster would never be released.
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw EmbeddedPostgresError("cannot open lock file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw EmbeddedPostgresError("cannot lock \(path): \(String(cString: strerror(errno)))")
            }
        }
        return try body()
    }
}
