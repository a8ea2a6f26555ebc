import Foundation

/// A file-system error from Foundation (`NSCocoaErrorDomain`) put in words: the path, and what
/// was not allowed or went wrong, instead of "NSCocoaErrorDomain error 513".
struct FileProblem: Error, CustomStringConvertible {
    let description: String

    /// The words for `error`, or nil when it is not a file error with a path.
    init?(_ error: any Error) {
        guard let error = error as? CocoaError, error.code.rawValue < 1024 else { return nil }
        let path = error.filePath ?? error.url?.path ?? (error.userInfo[NSFilePathErrorKey] as? String)
        guard let path else { return nil }
        let user = Self.userName
        switch error.code {
        case .fileReadNoPermission:
            description =
                "not allowed to read \(path): permission denied for \(user) (see its mode and owner, and its directories')"
        case .fileWriteNoPermission:
            description =
                "not allowed to create or change \(path): permission denied for \(user) "
                + "(see the mode and owner of it and of the directory it is in)"
        case .fileWriteVolumeReadOnly:
            description = "cannot write \(path): its file system is mounted read-only"
        case .fileWriteOutOfSpace:
            description = "cannot write \(path): no space left on its file system"
        case .fileNoSuchFile, .fileReadNoSuchFile:
            description = "no such file or directory: \(path)"
        case .fileWriteFileExists:
            description = "cannot create \(path): something of that name is already there"
        default:
            let underlying = (error.userInfo[NSUnderlyingErrorKey] as? POSIXError).map {
                String(cString: strerror($0.code.rawValue))
            }
            description = "cannot use \(path): \(underlying ?? "file error \(error.code.rawValue)")"
        }
    }

    /// The account the program runs as, e.g. `user 'itinerary' (uid 998)`.
    private static var userName: String {
        let uid = geteuid()
        guard let entry = getpwuid(uid) else { return "uid \(uid)" }
        return "user '\(String(cString: entry.pointee.pw_name))' (uid \(uid))"
    }
}
