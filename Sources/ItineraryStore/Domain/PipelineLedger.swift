import ItineraryCore

/// The ledger of feed files: which were applied (exactly once) or refused, the newest event time
/// accepted, and the lock that lets one writer at a time apply files to a share.
///
/// What "exactly once" asks of a store: ``commit(_:writes:newestAccepted:)`` records files and
/// their effects together or not at all, and refuses a file whose content it holds already.
/// ``PipelineStore`` keeps it in PostgreSQL.
public protocol PipelineLedger: AnyObject {
    /// Takes the writer lock of `share` for the life of this store's session; `false`, without
    /// waiting, when another writer holds it.
    func tryLockWriter(share: Int) throws -> Bool
    /// Who holds the writer lock of `share`, in words, for the message a second writer gets.
    func writerLockHolder(share: Int) throws -> String?
    /// Hands every writer lock of this session back.
    func releaseWriterLocks() throws
    /// Whether a file with this content has been applied already.
    func isIngested(contentHash: [UInt8]) throws -> Bool
    /// The newest event time accepted so far, from which the watermark follows.
    func newestAccepted() throws -> Int64?
    /// Notes a file refused whole (its name, reason and path kept masked).
    func recordRefused(fileName: String, contentHash: [UInt8]?, reason: String, movedTo: String?) throws
    /// Records applied files with their rejects, the new rows of the phones they touched and the
    /// new newest-accepted time, all or nothing.
    /// - Throws: when a file's content was committed meanwhile, an error the caller can tell
    ///   apart: `PostgresError` with `isUniqueViolation` for ``PipelineStore``.
    func commit(
        _ files: [(record: IngestRecord, rejects: [RejectRow])], writes: [TrackWrite], newestAccepted: Int64?
    ) throws
}

extension PipelineLedger {
    /// Takes the writer lock of the whole store (share 0).
    public func tryLockWriter() throws -> Bool { try tryLockWriter(share: 0) }

    /// Who holds the writer lock of the whole store (share 0).
    public func writerLockHolder() throws -> String? { try writerLockHolder(share: 0) }
}
