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
        let stream = try ZstdStream(origin.open())
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        defer { chunk.deallocate() }
        // Reserved, not touched: pages count only once written, and the buffer never moves.
        var kept: [UInt8]? = []
        kept!.reserveCapacity(limits.inMemoryBytes)
        var headerLine: [UInt8] = []
        var headerEnd: Int?
        var total = 0
        while true {
            let count = try stream.read(into: chunk)
            if count == 0 { break }
            let bytes = UnsafeRawBufferPointer(rebasing: chunk[0..<count])
            if headerEnd == nil {
                if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                    headerLine.append(contentsOf: bytes[0..<newline])
                    headerEnd = total + newline + 1
                } else {
                    headerLine.append(contentsOf: bytes)
                }
                guard headerLine.count <= limits.maxLineBytes + 4 else {
                    throw .headerTooLong(limit: limits.maxLineBytes)
                }
            }
            total += count
            guard total <= limits.maxFileBytes else { throw .tooLarge(limit: limits.maxFileBytes) }
            if kept != nil {
                if total <= limits.inMemoryBytes { kept!.append(contentsOf: bytes) } else { kept = nil }
            }
        }
        guard total > 0 else { throw .empty }
        // A UTF-8 byte order mark is tolerated before the header.
        var line = headerLine[...]
        if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        self.header = try FeedHeader(line: line)
        self.headerLine = Array(headerLine.last == UInt8(ascii: "\r") ? headerLine.dropLast() : headerLine[...])
        splitStamp = SplitStamp(leading: stream.leadingBytes)
        self.name = name
        self.origin = origin
        self.limits = limits
        contentHash = stream.contentHash()
        compressedBytes = stream.compressedBytes
        decompressedBytes = total
        csv = kept
        bodyStart = headerEnd ?? total
    }
}
