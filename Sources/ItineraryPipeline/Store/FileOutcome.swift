import ItineraryStore

/// What ingesting one file did.
public enum FileOutcome: Sendable {
    /// Applied and committed with its ledger row.
    case applied(IngestRecord, FileOutcomeCounts)
    /// The same content is in the ledger already: nothing done.
    case alreadyIngested(fileName: String)
    /// Refused whole and moved aside; nothing of it applied.
    case refused(fileName: String, reason: String, movedTo: String?)
    /// Not applied, not moved: it changed while it was read or before its commit (it is still
    /// being written). Nothing of it is applied; it is to be taken again once it is whole.
    case deferred(fileName: String, reason: String)
}
