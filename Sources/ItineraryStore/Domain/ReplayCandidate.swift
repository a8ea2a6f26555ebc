/// Where a reject is kept: its file's ledger id and its line.
public struct RejectPosition: Hashable, Sendable {
    public var fileID: Int64
    public var line: Int

    public init(fileID: Int64, line: Int) {
        self.fileID = fileID
        self.line = line
    }
}

/// A kept reject with the record a reference load may now resolve.
public struct ReplayCandidate: Sendable {
    public var position: RejectPosition
    public var row: ReplayRow
}

/// What a replay leaves besides its rejects: the touched phones' rows, the data time, and its
/// outcome for `reject_replays`.
public struct ReplayCommit: Sendable {
    public var writes: [TrackWrite]
    public var newestAccepted: Int64?
    public var outcome: ReplayOutcome

    public init(writes: [TrackWrite], newestAccepted: Int64?, outcome: ReplayOutcome) {
        self.writes = writes
        self.newestAccepted = newestAccepted
        self.outcome = outcome
    }
}
