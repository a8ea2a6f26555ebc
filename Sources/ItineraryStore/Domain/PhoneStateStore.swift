import ItineraryCore

/// The phones' rows the pipeline keeps beside its ledger: each phone's engine state, visits and
/// current card, and the rejected records a reference load may fix.
public protocol PhoneStateStore: AnyObject {
    /// Every phone's engine state, to resume where the last committed file left off.
    func tracks() throws -> [(PhoneKey, PhoneTrack)]
    /// The phones whose stored rows change by `time` (every phone when nil), with their masked numbers.
    func due(at time: Int64?) throws -> [(key: PhoneKey, masked: String)]
    /// Deletes every row of the phones the engine forgot (retention).
    func expire(_ forgotten: [PhoneKey]) throws
    /// Recomputes every stored card at the data time.
    func refreshAllCards(_ snapshot: (PhoneKey, PhoneTrack, Int64) -> PhoneSnapshot) throws
    /// Reclaims the space of the rows commits replaced.
    func reclaimReplacedRows() throws
    /// Deletes every phone's data and the ledger (`purge --all`).
    func purgeAll() throws
    /// Seals rejects' cell ids kept in clear by older versions; returns how many.
    @discardableResult func sealClearCellIDs() throws -> Int
    /// Replays the rejected records a reference load may have fixed, a chunk at a time, in one
    /// transaction (``PipelineStore/replayRejects(chunkSize:decide:finish:)``).
    func replayRejects(
        chunkSize: Int,
        decide: (_ chunk: [ReplayCandidate]) throws -> (resolved: [RejectPosition], late: [RejectPosition]),
        finish: () throws -> ReplayCommit
    ) throws
}
