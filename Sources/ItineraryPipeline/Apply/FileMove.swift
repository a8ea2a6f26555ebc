import Foundation

/// Moving a feed file aside once the pipeline is done with it (`processed/`, `failed/`), the same
/// way for `ingest` and `stream`: by rename, never over another file.
enum FileMove {
    /// Renames `url` into `directory` (created if missing), keeping its name, or `name.1`,
    /// `name.2`… if taken. A file already gone (moved by an earlier run) is not an error.
    @discardableResult
    static func move(_ url: URL, into directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let name = url.lastPathComponent
        var target = directory.appendingPathComponent(name)
        var suffix = 0
        while FileManager.default.fileExists(atPath: target.path) {
            suffix += 1
            target = directory.appendingPathComponent("\(name).\(suffix)")
        }
        guard rename(url.path, target.path) == 0 else {
            let code = errno
            if code == ENOENT, !FileManager.default.fileExists(atPath: url.path) { return target }
            throw StreamError(message: "cannot move \(url.path) to \(target.path): \(String(cString: strerror(code)))")
        }
        return target
    }
}
