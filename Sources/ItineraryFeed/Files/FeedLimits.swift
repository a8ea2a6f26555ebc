/// Caps that keep reading a feed file in bounded memory whatever the file holds.
///
/// A file is decompressed as a stream, never into an allocation sized from its own headers. A
/// small file is kept in memory between its check and its parse (one decompression); a larger
/// one is decompressed a second time, window by window, so memory stays near `inMemoryBytes`.
public struct FeedLimits: Hashable, Sendable {
    /// Largest decompressed size of one file; a larger file is refused whole (`too_large`).
    public var maxFileBytes: Int
    /// Longest line, without its line end; a longer line is rejected (`line_too_long`) and skipped.
    public var maxLineBytes: Int
    /// Largest decompressed file kept in memory between its check and its parse.
    public var inMemoryBytes: Int

    public init(maxFileBytes: Int = 4 << 30, maxLineBytes: Int = 64 << 10, inMemoryBytes: Int = 64 << 20) {
        self.maxFileBytes = max(1, maxFileBytes)
        self.maxLineBytes = max(256, maxLineBytes)
        self.inMemoryBytes = max(0, inMemoryBytes)
    }

    public static let standard = FeedLimits()
}
