import Foundation

/// Where a command writes what it produces: standard output, or a file that appears under its
/// name only once complete. A file is written under a temporary name beside it and renamed by
/// `finish`, so a run that fails (a full disk, an error, a kill) leaves no output that looks
/// whole. Write errors are kept, not trapped: the first one ends all writing and `finish`
/// throws it.
final class OutputFile {
    private let descriptor: Int32
    /// The final name and the temporary one, for a file; `nil` for standard output.
    private let paths: (final: String, temporary: String)?
    private var buffer: [UInt8] = []
    private var failure: OutputError?
    private var finished = false

    /// - Parameter path: the file to produce; `nil` or `-` for standard output.
    init(path: String?) throws {
        guard let path, path != "-" else {
            descriptor = STDOUT_FILENO
            paths = nil
            return
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputError(path: path, code: errno) }
        paths = (path, temporary)
    }

    deinit {
        guard let paths else { return }
        close(descriptor)
        // An output not finished is not an output: its partial file goes.
        if !finished { unlink(paths.temporary) }
    }

    private var name: String { paths?.final ?? "standard output" }

    func append(_ text: String) {
        guard failure == nil else { return }
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { flush() }
    }

    /// Writes what is buffered, syncs and renames a file into place.
    /// - Throws: `OutputError`, the first write error of the run.
    func finish() throws {
        flush()
        if let failure { throw failure }
        guard let paths else { return }
        guard fsync(descriptor) == 0 else { throw OutputError(path: paths.final, code: errno) }
        guard rename(paths.temporary, paths.final) == 0 else { throw OutputError(path: paths.final, code: errno) }
        finished = true
    }

    private func flush() {
        var written = 0
        while failure == nil, written < buffer.count {
            let count = buffer[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                written += count
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                failure = OutputError(path: name, code: count < 0 ? errno : ENOSPC)
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A write that failed, named by its file and the system's reason.
struct OutputError: Error, CustomStringConvertible {
    var path: String
    var code: Int32

    var description: String { "cannot write \(path): \(String(cString: strerror(code)))" }
}
