import Foundation
import ItineraryFeed

/// One shard's part of a feed file being split: written as zstd frames to a dot-file beside its
/// final name (which inbox watchers ignore), synced, then renamed into place, so a shard's
/// `stream` only ever sees whole files. Room for the `SplitStamp` is left at the start and
/// filled in last, once the whole file has been read.
final class SplitPart {
    let final: URL
    private let temporary: URL
    private let descriptor: Int32
    private let compressor: ZstdCompressor.Context
    private var csv: [UInt8] = []
    /// Records (non-blank lines after the header) routed here.
    private(set) var records = 0

    /// CSV bytes gathered before they are compressed as a frame of their own.
    private let frameBytes: Int

    init(directory: URL, name: String, header: [UInt8], compressor: ZstdCompressor.Context, frameBytes: Int) throws {
        final = directory.appendingPathComponent(name)
        temporary = directory.appendingPathComponent(".\(name).split")
        self.compressor = compressor
        self.frameBytes = frameBytes
        descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SplitError.io(temporary.path, errno) }
        try write([UInt8](repeating: 0, count: SplitStamp.frameBytes), at: 0)
        csv.reserveCapacity(frameBytes + 4096)
        csv += header
        csv.append(UInt8(ascii: "\n"))
    }

    deinit {
        close(descriptor)
        unlink(temporary.path)
    }

    /// Writes `bytes` at `offset`, or at the end of what is written so far.
    private func write(_ bytes: [UInt8], at offset: Int? = nil) throws {
        var position = offset ?? Int(lseek(descriptor, 0, SEEK_END))
        try bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let written = pwrite(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(position))
                if written < 0 {
                    if errno == EINTR { continue }
                    throw SplitError.io(temporary.path, errno)
                }
                done += written
                position += written
            }
        }
    }

    /// Appends one line and its line end.
    func append(_ line: UnsafeBufferPointer<UInt8>) throws {
        csv.append(contentsOf: line)
        csv.append(UInt8(ascii: "\n"))
        records += 1
        if csv.count >= frameBytes { try flush() }
    }

    /// Appends a line the reader found too long from the part of it the reader kept, padded so
    /// the shard's reader finds it too long as well (and keeps the same first bytes).
    func appendTooLong(_ prefix: UnsafeBufferPointer<UInt8>, limit: Int) throws {
        csv.append(contentsOf: prefix)
        csv.append(contentsOf: repeatElement(UInt8(ascii: " "), count: max(0, limit + 1 - prefix.count)))
        csv.append(UInt8(ascii: "\n"))
        records += 1
        if csv.count >= frameBytes { try flush() }
    }

    private func flush() throws {
        guard !csv.isEmpty else { return }
        try write(compressor.compress(csv))
        csv.removeAll(keepingCapacity: true)
    }

    /// Finishes the file with its stamp in front and renames it into place.
    func commit(stamp: SplitStamp) throws {
        try flush()
        try write(stamp.frame, at: 0)
        guard fsync(descriptor) == 0 else { throw SplitError.io(temporary.path, errno) }
        guard rename(temporary.path, final.path) == 0 else { throw SplitError.io(final.path, errno) }
    }
}

/// A split that could not write its output.
public enum SplitError: Error, CustomStringConvertible {
    case io(String, Int32)

    public var description: String {
        switch self {
        case let .io(path, code): "cannot write \(path): \(String(cString: strerror(code)))"
        }
    }
}
