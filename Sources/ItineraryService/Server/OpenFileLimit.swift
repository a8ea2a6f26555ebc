#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The process's open-file limit, which bounds how many connections it can hold.
enum OpenFileLimit {
    /// Raises the soft limit to the hard one (allowed without privileges) and returns the soft
    /// limit in force afterwards.
    static func raiseToHard() -> Int {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif
}
