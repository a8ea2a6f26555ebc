import Foundation

/// Moving a feed file aside once the pipeline is done with it (`processed/`, `failed/`), the same
/// way for `ingest` and `stream`: by rename, never over another file. A `.done` marker beside it
/// (`InboxNames`) goes with it.
enum FileMove {
    /// Renames `url` into `directory` (created if missing), keeping its name, or `name.1`,
    /// `name.2`… if taken, and its marker `NAME.done`, if any, to the same name plus `.done`.
    /// A file already gone (moved by an earlier run) is not an error.
    @discardableResult
    static func move(_ url: URL, into directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let name = url.lastPathComponent
        var target = directory.appendingPathComponent(name)
        var suffix = 0
        while FileManager.default.fileExists(atPath: target.path)
            || FileManager.default.fileExists(atPath: InboxNames.marker(of: target.path))
        {
            suffix += 1
            target = directory.appendingPathComponent("\(name).\(suffix)")
        }
        guard rename(url.path, target.path) == 0 else {
            let code = errno
            if code == ENOENT, !FileManager.default.fileExists(atPath: url.path) {
                try moveMarker(of: url, to: target)
                return target
            }
            throw StreamError(message: "cannot move \(url.path) to \(target.path): \(String(cString: strerror(code)))")
        }
        try moveMarker(of: url, to: target)
        return target
    }

    /// Moves the marker of the file once at `url` beside `target`; none is no error.
    private static func moveMarker(of url: URL, to target: URL) throws {
        let marker = InboxNames.marker(of: url.path)
        guard rename(marker, InboxNames.marker(of: target.path)) != 0 else { return }
        let code = errno
        guard code == ENOENT else {
            throw StreamError(
                message: "cannot move \(marker) beside \(target.path): \(String(cString: strerror(code)))")
        }
    }
}
