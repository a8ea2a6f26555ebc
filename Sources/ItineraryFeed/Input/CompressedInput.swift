import Foundation

/// Where a feed file's compressed bytes come from: a regular file read in chunks, or bytes
/// already in memory (tests, tools).
enum CompressedOrigin: Sendable {
    case file(path: String)
    case bytes([UInt8])

    /// Opens the origin for one pass from its start.
    func open() throws(FeedError) -> CompressedInput {
        switch self {
        case .file(let path): try CompressedInput(path: path)
        case .bytes(let bytes): CompressedInput(bytes: bytes)
        }
    }
}

/// One sequential pass over a file's compressed bytes.
///
/// A path is opened without blocking and must name a regular file: a FIFO or a device dropped
/// into the feed directory is refused instead of hanging the reader.
final class CompressedInput {
    private var descriptor: Int32 = -1
    private var bytes: [UInt8] = []
    private var offset = 0
    private let path: String?

    init(path: String) throws(FeedError) {
        self.path = path
        let descriptor = Foundation.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw .unreadable(path: path, message: String(cString: strerror(errno))) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            Foundation.close(descriptor)
            throw .unreadable(path: path, message: "not a regular file")
        }
        self.descriptor = descriptor
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
        path = nil
    }

    deinit {
        if descriptor >= 0 { Foundation.close(descriptor) }
    }

    /// The open file's identity (`fstat`); nil for bytes in memory.
    func identity() -> FileIdentity? {
        descriptor >= 0 ? FileIdentity(descriptor: descriptor) : nil
    }

    /// Fills the front of `buffer`; returns the number of bytes read, 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(FeedError) -> Int {
        guard descriptor >= 0 else {
            let count = min(buffer.count, bytes.count - offset)
            bytes.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
            }
            offset += count
            return count
        }
        while true {
            let count = Foundation.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw .unreadable(path: path ?? "", message: String(cString: strerror(errno)))
        }
    }
}
