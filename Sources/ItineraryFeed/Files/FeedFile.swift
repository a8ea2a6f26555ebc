import Foundation

/// A feed file read, decompressed and checked whole: its name is valid, its zstd frames are
/// complete and its header names every required column. Only then are its records read, so a
/// bad file is refused before anything of it is applied.
public struct FeedFile: Sendable {
    public let name: FeedFileName
    /// The file's bytes as delivered (for a content hash: the same file twice is ingested once).
    public let compressed: [UInt8]
    /// The decompressed CSV, header line included.
    public let csv: [UInt8]
    public let header: FeedHeader
    /// Offset in `csv` of the first byte after the header line.
    let bodyStart: Int

    /// Reads and checks the file at `url`.
    public init(contentsOf url: URL) throws(FeedError) {
        guard let name = FeedFileName(url.lastPathComponent) else { throw .badFileName(url.lastPathComponent) }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: url.path, message: String(describing: error))
        }
        try self.init(name: name, compressed: [UInt8](data))
    }

    /// Checks a file already in memory.
    public init(name: FeedFileName, compressed: [UInt8]) throws(FeedError) {
        let csv = try ZstdDecompressor.decompress(compressed)
        guard !csv.isEmpty else { throw .empty }
        // A UTF-8 byte order mark is tolerated before the header.
        let start = csv.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let newline = csv[start...].firstIndex(of: UInt8(ascii: "\n")) ?? csv.endIndex
        var headerEnd = newline
        if headerEnd > start, csv[headerEnd - 1] == UInt8(ascii: "\r") { headerEnd -= 1 }
        self.name = name
        self.compressed = compressed
        self.csv = csv
        self.header = try FeedHeader(line: csv[start..<headerEnd])
        self.bodyStart = min(newline + 1, csv.count)
    }
}
