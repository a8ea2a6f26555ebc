import ItineraryCore

/// A feed line that is not applied, kept with everything needed to find and fix it.
public struct FeedReject: Hashable, Sendable {
    /// The feed file's name.
    public var file: String
    /// 1-based line number in the decompressed file (the header is line 1).
    public var line: Int
    public var reason: FeedRejectReason
    /// The line as delivered, without its line ending (see `FeedLine.text`); only its first
    /// 256 bytes for `line_too_long`.
    public var raw: String
    /// The parsed record, when the line is well formed and only the reference data or the clock
    /// kept it out (`unknown_cell`, `unknown_mcc`, `future`): a later load can replay it.
    public var replayable: ReplayableRecord?

    public init(file: String, line: Int, reason: FeedRejectReason, raw: String, replayable: ReplayableRecord? = nil) {
        self.file = file
        self.line = line
        self.reason = reason
        self.raw = raw
        self.replayable = replayable
    }
}

/// A well-formed record held back by the reference data or the clock.
public struct ReplayableRecord: Hashable, Sendable {
    public var phone: Phone
    public var time: Int64
    public var cell: CellKey

    public init(phone: Phone, time: Int64, cell: CellKey) {
        self.phone = phone
        self.time = time
        self.cell = cell
    }
}
