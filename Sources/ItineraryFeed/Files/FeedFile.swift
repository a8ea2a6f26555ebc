import Foundation

/// A feed file checked whole before anything of it is applied: its name is valid, every zstd
/// frame decompresses and is complete, it stays under `FeedLimits.maxFileBytes`, and its header
/// names every required column. A bad file is refused with nothing of it applied.
///
/// The check decompresses the file as a stream and hashes its compressed bytes on the way. A
/// file up to `FeedLimits.inMemoryBytes` keeps its CSV in memory for the parse; a larger one is
/// decompressed again, window by window, when it is read (see `FeedReader`).
public struct FeedFile: Sendable {
    public let name: FeedFileName
    /// SHA-256 of the bytes as delivered: the same file twice is ingested once.
    public let contentHash: [UInt8]
    public let compressedBytes: Int
    /// Size of the CSV, header line included.
    public let decompressedBytes: Int
    public let header: FeedHeader
    /// The header line as delivered, without its line end.
    public let headerLine: [UInt8]
    /// Set when the file is a shard's part of a split file: what it carries about the whole.
    public let splitStamp: SplitStamp?
    public let limits: FeedLimits
    /// The file on disk as it stood while it was checked; nil for bytes in memory. A file whose
    /// identity changed from its opening to the end of the check is refused as
    /// `changedWhileReading`, never read in part.
    public let identity: FileIdentity?
    let origin: CompressedOrigin
    /// The whole CSV when it fits `limits.inMemoryBytes`, else nil (read as a stream).
    let csv: [UInt8]?
    /// Offset of the first byte after the header line.
    let bodyStart: Int

    /// Checks the file at `url`.
    public init(contentsOf url: URL, limits: FeedLimits = .standard) throws(FeedError) {
        guard let name = FeedFileName(url.lastPathComponent) else { throw .badFileName(url.lastPathComponent) }
        try self.init(name: name, origin: .file(path: url.path), limits: limits)
    }

    /// Checks a file already in memory.
    public init(name: FeedFileName, compressed: [UInt8], limits: FeedLimits = .standard) throws(FeedError) {
        try self.init(name: name, origin: .bytes(compressed), limits: limits)
    }

    private init(name: FeedFileName, origin: CompressedOrigin, limits: FeedLimits) throws(FeedError) {
        let input = try origin.open()
        let opened = input.identity()
        let stream = try ZstdStream(input)
        let scan: Scan
        do throws(FeedError) {
            scan = try Self.scan(stream, limits: limits)
        } catch {
            // A file still being written reads as truncated or corrupt: say what it is.
            if input.identity() != opened { throw .changedWhileReading }
            throw error
        }
        // Read to its end as it stood when opened, or it is still being written.
        let closed = input.identity()
        guard closed == opened, closed.map({ $0.size == Int64(stream.compressedBytes) }) ?? true else {
            throw .changedWhileReading
        }
        // A UTF-8 byte order mark is tolerated before the header.
        let headerLine = scan.headerLine
        var line = headerLine[...]
        if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        self.header = try FeedHeader(line: line)
        self.headerLine = Array(headerLine.last == UInt8(ascii: "\r") ? headerLine.dropLast() : headerLine[...])
        // A stamp can say no more than the name allows: no valid record is later.
        splitStamp = SplitStamp(leading: stream.leadingBytes).map { stamp in
            var stamp = stamp
            stamp.newestEvent = stamp.newestEvent.map { min($0, FeedReader.latest(in: name)) }
            return stamp
        }
        self.name = name
        self.origin = origin
        self.limits = limits
        identity = opened
        contentHash = stream.contentHash()
        compressedBytes = stream.compressedBytes
        decompressedBytes = scan.total
        csv = scan.kept
        bodyStart = scan.headerEnd ?? scan.total
    }

    /// Whether the file on disk is still the one checked: same inode, size and times. Always
    /// true for bytes in memory. The pipeline asks again just before it commits the file.
    public var isUnchangedOnDisk: Bool {
        guard case .file(let path) = origin else { return true }
        return FileIdentity(path: path) == identity
    }

    /// What one pass of the check found.
    private struct Scan {
        var kept: [UInt8]?
        var headerLine: [UInt8] = []
        var headerEnd: Int?
        var total = 0
    }

    /// Decompresses the whole stream once, keeping the header line, and the CSV if it is small.
    private static func scan(_ stream: ZstdStream, limits: FeedLimits) throws(FeedError) -> Scan {
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        defer { chunk.deallocate() }
        var scan = Scan()
        // Reserved, not touched: pages count only once written, and the buffer never moves.
        var kept: [UInt8]? = []
        kept!.reserveCapacity(limits.inMemoryBytes)
        while true {
            let count = try stream.read(into: chunk)
            if count == 0 { break }
            let bytes = UnsafeRawBufferPointer(rebasing: chunk[0..<count])
            if scan.headerEnd == nil {
                if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                    scan.headerLine.append(contentsOf: bytes[0..<newline])
                    scan.headerEnd = scan.total + newline + 1
                } else {
                    scan.headerLine.append(contentsOf: bytes)
                }
                guard scan.headerLine.count <= limits.maxLineBytes + 4 else {
                    throw .headerTooLong(limit: limits.maxLineBytes)
                }
            }
            scan.total += count
            guard scan.total <= limits.maxFileBytes else { throw .tooLarge(limit: limits.maxFileBytes) }
            if kept != nil {
                if scan.total <= limits.inMemoryBytes { kept!.append(contentsOf: bytes) } else { kept = nil }
            }
        }
        guard scan.total > 0 else { throw .empty }
        scan.kept = kept
        return scan
    }
}
