/// A feed line that is not applied, kept with everything needed to find and fix it.
public struct FeedReject: Hashable, Sendable {
    /// The feed file's name.
    public var file: String
    /// 1-based line number in the decompressed file (the header is line 1).
    public var line: Int
    public var reason: FeedRejectReason
    /// The line as delivered, without its line ending (invalid UTF-8 replaced).
    public var raw: String

    public init(file: String, line: Int, reason: FeedRejectReason, raw: String) {
        self.file = file
        self.line = line
        self.reason = reason
        self.raw = raw
    }
}
