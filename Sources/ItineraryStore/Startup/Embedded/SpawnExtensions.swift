import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34) and `…_addchdir_np` (2.29).
///
/// Swift's Glibc module is built without `_GNU_SOURCE`, which hides them, so they are looked up
/// at run time; with an older C library the fallbacks below apply.
enum SpawnExtensions {
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias ChangeDirectory =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// Makes the child close every descriptor from `lowest` up, so nothing of ours leaks into
    /// long-lived grandchildren such as the postmaster.
    static func closeFrom(_ lowest: Int32, in actions: inout posix_spawn_file_actions_t) {
        if let closeFrom = symbol("posix_spawn_file_actions_addclosefrom_np", as: CloseFrom.self) {
            _ = closeFrom(&actions, lowest)
            return
        }
        // Fallback: close what is open now, skipping descriptors closed since the listing.
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap({ Int32($0) }) where descriptor >= lowest && fcntl(descriptor, F_GETFD) >= 0 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    /// Makes the child start in `path`; without library support it inherits our directory.
    static func changeDirectory(to path: String, in actions: inout posix_spawn_file_actions_t) {
        if let changeDirectory = symbol("posix_spawn_file_actions_addchdir_np", as: ChangeDirectory.self) {
            _ = changeDirectory(&actions, path)
        }
    }

    private static func symbol<T>(_ name: String, as type: T.Type) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: type)
    }
}
