/// What reading one feed file found.
public struct FeedSummary: Hashable, Sendable {
    public var file: FeedFileName
    /// Records read: non-blank lines after the header.
    public var records: Int = 0
    /// Records handed on as valid.
    public var valid: Int = 0
    /// Rejected records by reason (reasons with none are absent).
    public var rejected: [FeedRejectReason: Int] = [:]
    /// Decompressed size in bytes.
    public var bytes: Int = 0

    public init(file: FeedFileName) { self.file = file }

    /// All rejected records: `valid + rejectedCount == records`.
    public var rejectedCount: Int { rejected.values.reduce(0, +) }
}
