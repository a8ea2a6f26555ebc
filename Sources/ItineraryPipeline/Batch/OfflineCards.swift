import Foundation
import ItineraryCore
import ItineraryFeed

/// The offline command: feed files to cards at a time `T`, with no database, on `workers`
/// threads (see `FeedApplier`): the result is the same for any number of workers.
///
/// The engine's horizon is `T`, so observations after `T` are counted (and move the watermark,
/// as in any run) but do not shape the card, exactly as docs/rules.md reads.
public struct OfflineCards: Sendable {
    public struct Result: Sendable {
        /// Cards emitted: one per phone with any accepted observation.
        public var cards: Int
        public var counts: FileOutcomeCounts
        public var filesApplied: Int
        /// Files refused whole, with the reason.
        public var refused: [(URL, String)]
    }

    let reader: FeedReader
    let rules: CardRules
    let contacts: ContactList<Phone>
    let limits: FeedLimits
    let workers: Int
    /// How each file's work is cut (tests vary it).
    var sizes = FeedApplier<PhoneNumberNaming>.Sizes()

    public init(
        reader: FeedReader, rules: CardRules, contacts: ContactList<Phone> = .empty, limits: FeedLimits = .standard,
        workers: Int = 1
    ) {
        self.reader = reader
        self.rules = rules
        self.contacts = contacts
        self.limits = limits
        self.workers = max(1, workers)
    }

    /// Applies `files` in the order given (see `FeedFileList`) and evaluates every card at `time`,
    /// handing them to `emit` in number order one at a time (so they are never all in memory).
    /// `now` is the ingest clock for the future-record check.
    /// - Throws: `FeedError.changedWhileReading` when a large file changed on disk while it was
    ///   applied (its first part is in the engine, so no card could be trusted).
    /// `fileDone` hears after each file (applied or refused) with the records it held.
    public func run(
        files: [URL], at time: Int64, now: Int64, reject: (FeedReject) -> Void,
        fileDone: (_ records: Int) -> Void = { _ in }, emit: (Phone, Card) -> Void
    ) throws -> Result {
        var engine = PartitionedEngine<Phone>(rules: rules, horizon: time, partitions: workers)
        var applier = FeedApplier(reader: reader, workers: workers, naming: PhoneNumberNaming(), sizes: sizes)
        var counts = FileOutcomeCounts()
        var applied = 0
        var refused: [(URL, String)] = []
        var tickets: [PartitionedEngine<Phone>.FileTicket] = []
        let checked = CheckedFeedFiles(files, limits: limits, ahead: workers > 1)
        while let (url, result) = checked.next() {
            let file: FeedFile
            switch result {
            case .success(let checked): file = checked
            case .failure(let error):
                refused.append((url, error.description))
                fileDone(0)
                continue
            }
            let (fileCounts, ticket) = try applier.apply(file, to: &engine, now: now, reject: reject)
            counts += fileCounts
            tickets.append(ticket)
            engine.endFile(carrying: file.splitStamp?.newestEvent)
            applied += 1
            fileDone(fileCounts.records)
        }
        engine.settle()
        for ticket in tickets {
            let tally = engine.tally(of: ticket)
            counts.accepted += tally.accepted
            counts.duplicates += tally.duplicates
        }
        let phones = engine.keys.sorted()
        for phone in phones {
            emit(phone, engine.card(for: phone, at: time, closeContact: contacts.isContact(phone, at: time)))
        }
        return Result(cards: phones.count, counts: counts, filesApplied: applied, refused: refused)
    }
}
