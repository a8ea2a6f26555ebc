import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryPostgres
import ItineraryStore
import Logging

/// Feed files into the store, exactly once (docs/feed-format.md), parsed and applied on
/// `workers` threads (see `FeedApplier`): what is stored is the same for any number of workers.
///
/// Files are applied to the in-memory engine one at a time, in delivery order, and committed in
/// batches: the ledger rows and rejects of the batch's files and the new state, visits and card
/// of every phone they touched go in one transaction. A batch is all or nothing, so each file is
/// applied exactly once; batching only spares rewriting a phone once per file. The engine is
/// rebuilt from the store at start, so a killed process resumes from what committed. If the store
/// fails the pipeline stops trusting memory and its connection, and reconnects and reloads before
/// the next file.
///
/// One pipeline at a time holds the store's writer lock (a PostgreSQL advisory lock on its
/// session), so two processes can never interleave files and make each other's records late.
/// A batch the store refuses for its data (a value PostgreSQL cannot take) is redone file by
/// file, and a single file it still refuses is refused and moved aside: poison never blocks the
/// files behind it.
public final class IngestPipeline {
    /// The ledger and the phones' rows, through their protocols; a ``PipelineStore`` on
    /// ``connection``.
    private(set) var store: any PipelineLedger & PhoneStateStore
    /// The store's session: it holds the writer lock, says who holds it, and reads the reference
    /// lists (``ReferenceStore``) that the ledger's commits depend on.
    private var connection: PostgresConnection
    let connect: () throws -> PostgresConnection
    let reader: FeedReader
    private var applier: FeedApplier<PhoneKeyNaming>
    let keyer: PhoneKeyer
    private(set) var contacts: ContactList<PhoneKey>
    /// The risk and close-contact loads the engine's rules and `contacts` are from.
    private var lists: [Int64?] = []
    let limits: FeedLimits
    let lockPolicy: WriterLockPolicy
    let clock: any WallClock
    let logger: Logger
    private(set) var engine: PartitionedEngine<PhoneKey>
    private var batchNumber = 0
    private var needsReload = false
    private var lastCompaction: Int64?
    /// Phone rows replaced since the store last reclaimed their space.
    private var replacedSinceReclaim = 0

    /// - Parameters:
    ///   - clock: the ingest clock (records over ten minutes ahead of it are `future`).
    ///   - connect: opens a connection to the store, now and after a failure.
    ///   - lock: what to do when another process holds the writer lock.
    ///   - workers: threads that parse and apply files (at least 1).
    /// - Throws: `WriterLockError` when another process holds the writer lock and `lock` is `.fail`.
    public init(
        connect: @escaping () throws -> PostgresConnection, reader: FeedReader, keyer: PhoneKeyer, rules: CardRules,
        contacts: ContactList<PhoneKey> = .empty, limits: FeedLimits = .standard, lock: WriterLockPolicy = .fail,
        clock: any WallClock = SystemClock(), logger: Logger = Logger(label: "itinerary.ingest"), workers: Int = 1
    ) throws {
        self.connect = connect
        connection = try connect()
        store = try PipelineStore(connection: connection, cellSealer: keyer.cellSealer)
        self.reader = reader
        applier = FeedApplier(reader: reader, workers: workers, naming: PhoneKeyNaming(keyer: keyer))
        self.keyer = keyer
        self.contacts = contacts
        self.limits = limits
        lockPolicy = lock
        self.clock = clock
        self.logger = logger
        engine = PartitionedEngine(rules: rules, partitions: workers)
        try lockWriter(patience: .zero)
        try store.sealClearCellIDs()
        try reload()
        lists = try currentLists()
    }

    /// Phones held in memory.
    public var phoneCount: Int { engine.phoneCount }

    /// The watermark the next file will be checked against.
    public var watermark: Int64 { engine.watermark }

    /// Newest event time accepted so far.
    public var newestAccepted: Int64? { engine.newestAccepted }

    /// Rebuilds the engine from what the store has committed (on a new connection, with the
    /// writer lock taken again, after a failure).
    public func reload() throws {
        if needsReload {
            // Hand the lock back first, so the new session can take it at once.
            try? store.releaseWriterLocks()
            connection = try connect()
            store = try PipelineStore(connection: connection, cellSealer: keyer.cellSealer)
            // After a failure the server may not have noticed the old session is gone yet.
            try lockWriter(patience: .seconds(30))
        }
        var engine = PartitionedEngine<PhoneKey>(
            rules: engine.rules, newestAccepted: try store.newestAccepted(), partitions: applier.workers)
        for (key, track) in try store.tracks() { engine.restore(track, for: key) }
        self.engine = engine
        needsReload = false
    }

    /// Hands the store's writer lock back, so another pipeline can take it; this one takes it
    /// again (and reloads) before its next file.
    public func releaseWriterLock() {
        try? store.releaseWriterLocks()
        needsReload = true
    }

    /// Takes the writer lock as the policy says; with `.fail`, waits at most `patience`.
    private func lockWriter(patience: Duration) throws {
        let started = ContinuousClock.now
        var announced = false
        while try !store.tryLockWriter() {
            let holder = try store.writerLockHolder()
            switch lockPolicy {
            case .fail:
                guard ContinuousClock.now - started < patience else { throw WriterLockError(holder: holder) }
                Thread.sleep(forTimeInterval: 0.5)
            case .wait(let poll, let cancelled):
                if cancelled() { throw WriterLockError(holder: holder) }
                if !announced {
                    logger.warning(
                        "waiting for the store's writer lock", metadata: ["holder": "\(holder ?? "unknown")"])
                    announced = true
                }
                Thread.sleep(forTimeInterval: poll.inSeconds)
            }
        }
        try WriterIdentity.record(on: connection)
        if announced { logger.info("took the store's writer lock") }
    }

    /// Ingests one file: applies and commits it, skips it if its content is in the ledger, or
    /// refuses it whole (moving it to `failed/` beside it). Throws only when the store fails.
    public func ingest(_ url: URL) throws -> FileOutcome {
        var outcome: FileOutcome?
        try ingest([url]) { outcome = $1 }
        return outcome!
    }

    /// Records a batch commits at, by default: a commit rewrites the rows of every phone its files
    /// touched, so fewer, larger commits write less (README, Benchmarks).
    public static let defaultRecordsPerCommit = 4_000_000
    /// Bytes of rejected lines a batch holds at most before it commits (one file's may exceed it:
    /// a file's rejects commit with the file).
    public static let rejectBytesPerCommit = 64 << 20

    /// Ingests files in the order given, committing about `recordsPerCommit` records' worth of
    /// files at a time, or sooner once their rejected lines pass `rejectBytesPerCommit` bytes
    /// (held in memory until then); `report` hears of each file once its fate is committed.
    public func ingest(
        _ urls: [URL], recordsPerCommit: Int = defaultRecordsPerCommit,
        rejectBytesPerCommit: Int = rejectBytesPerCommit, report: (URL, FileOutcome) throws -> Void
    ) throws {
        if needsReload { try reload() }
        var batch = newBatch()
        let checked = CheckedFeedFiles(urls, limits: limits, ahead: applier.workers > 1)
        do {
            while let (url, file) = checked.next() {
                do {
                    if let outcome = try apply(url, checked: file, to: &batch) {
                        try report(url, outcome)
                        continue
                    }
                } catch FeedError.changedWhileReading {
                    // Part of the file reached the engine: rebuild it, redo the batch so far, leave the file.
                    try redo(batch, report: report)
                    batch = newBatch()
                    try report(url, .deferred(fileName: url.lastPathComponent, reason: Self.changedReason))
                    continue
                }
                if batch.records >= recordsPerCommit || batch.rejectBytes >= rejectBytesPerCommit {
                    try commit(batch, report: report)
                    batch = newBatch()
                }
            }
            try commit(batch, report: report)
        } catch {
            needsReload = true
            throw error
        }
    }

    /// Refuses a file the caller could not get applied (moving it to `failed/` beside it), with
    /// the reason recorded.
    public func refuse(_ url: URL, reason: String) throws -> FileOutcome {
        if needsReload { try reload() }
        return try refuse(url, hash: nil, reason: reason)
    }

    /// Files applied to the engine and not yet committed (the phones they touched are listed by
    /// the workers' namings).
    private struct Batch {
        var files:
            [(
                url: URL, record: IngestRecord, rejects: [RejectRow], counts: FileOutcomeCounts,
                ticket: PartitionedEngine<PhoneKey>.FileTicket
            )] = []
        var hashes = Set<[UInt8]>()
        /// Each file as it stood when checked, to look at again before the commit.
        var identities: [URL: FileIdentity] = [:]
        var records = 0
        /// Bytes of the rejected lines held.
        var rejectBytes = 0
    }

    /// Starts a batch: a new number, so every phone it touches is listed again.
    private func newBatch() -> Batch {
        batchNumber += 1
        let number = batchNumber
        applier.updateNamings { $0.startBatch(number) }
        engine.dropTallies()
        return Batch()
    }

    /// Phones the batch in hand touched, each once.
    private var touched: [(masked: String, key: PhoneKey)] {
        var seen = Set<PhoneKey>()
        return applier.namings.flatMap(\.touched).filter { seen.insert($0.key).inserted }
    }

    /// Applies one checked file to the engine as part of `batch`, or returns what became of it
    /// instead.
    private func apply(_ url: URL, checked: Result<FeedFile, FeedError>, to batch: inout Batch) throws -> FileOutcome? {
        // Outcomes are printed and logged: the name as the ledger keeps it.
        let name = DigitRunMasker.maskedFileName(url.lastPathComponent)
        let file: FeedFile
        switch checked {
        case .success(let checked): file = checked
        case .failure(.changedWhileReading): return .deferred(fileName: name, reason: Self.changedReason)
        case .failure(let error): return try refuse(url, hash: nil, reason: error.description)
        }
        let hash = file.contentHash
        if try batch.hashes.contains(hash) || store.isIngested(contentHash: hash) {
            return .alreadyIngested(fileName: name)
        }

        var rejects: [RejectRow] = []
        let (counts, ticket) = try applier.apply(
            file, to: &engine, now: clock.now(),
            reject: { reject in
                let replay = reject.replayable.map { record in
                    ReplayRow(
                        phoneKey: keyer.key(for: record.phone), masked: record.phone.masked, time: record.time,
                        mcc: record.cell.mcc, mnc: record.cell.mnc, lac: record.cell.lac, cellID: record.cell.cellID)
                }
                rejects.append(
                    RejectRow(
                        line: reject.line, reason: reject.reason.rawValue, raw: reject.raw,
                        replay: replay))
            })
        let record = IngestRecord(
            fileName: name, contentHash: hash, compressedBytes: file.compressedBytes,
            decompressedBytes: file.decompressedBytes,
            records: counts.records, accepted: counts.accepted, duplicates: counts.duplicates, late: counts.late,
            rejected: counts.rejectedCount, watermark: engine.fileWatermark == .min ? nil : engine.fileWatermark,
            newestEvent: engine.newestInFile)
        engine.endFile(carrying: file.splitStamp?.newestEvent)
        batch.files.append((url, record, rejects, counts, ticket))
        batch.hashes.insert(hash)
        batch.identities[url] = file.identity
        batch.records += counts.records
        batch.rejectBytes += rejects.reduce(0) { $0 + $1.raw.utf8.count }
        return nil
    }

    /// The new rows of the given phones, and of every phone whose stored card or visits change
    /// by the data time (`PipelineStore.due(at:)`), so every stored card is the one at the data time.
    private func writes(for touched: [(masked: String, key: PhoneKey)]) throws -> [TrackWrite] {
        let time = engine.newestAccepted ?? clock.now()
        // A risk or contact list loaded meanwhile changes any card: take it, and rewrite them all.
        let loads = try currentLists()
        let listsChanged = loads != lists
        if listsChanged {
            let reference = ReferenceStore(connection: connection)
            engine.rules.risk = RiskMap(try reference.riskAreas())
            contacts = ContactList(try reference.contacts())
            lists = loads
        }
        var phones = touched
        var seen = Set(touched.map(\.key))
        for (key, masked) in try store.due(at: listsChanged ? nil : time) where seen.insert(key).inserted {
            phones.append((masked, key))
        }
        return phones.compactMap { masked, key -> TrackWrite? in
            guard let track = engine.track(for: key) else { return nil }
            return TrackWrite(
                key: key, masked: masked,
                snapshot: PhoneSnapshot(track: track, key: key, contacts: contacts, rules: engine.rules, at: time))
        }
    }

    private func currentLists() throws -> [Int64?] {
        let reference = ReferenceStore(connection: connection)
        return [try reference.currentLoad(.risk), try reference.currentLoad(.contacts)]
    }

    /// Commits a batch. On a file committed meanwhile by another process, or data the store
    /// refuses, redoes the batch's files one by one from what the store holds; a single file
    /// whose data the store refuses is refused.
    private func commit(_ batch: Batch, report: (URL, FileOutcome) throws -> Void) throws {
        guard !batch.files.isEmpty else { return }
        var batch = batch
        settle(&batch)
        // The last look before the commit: a file changed since its check is still being written.
        let changed = Set(
            batch.files.map(\.url).filter { url in
                batch.identities[url].map { FileIdentity(path: url.path) != $0 } ?? false
            })
        guard changed.isEmpty else { return try redo(batch, deferring: changed, report: report) }
        do {
            let writes = try writes(for: touched)
            try store.commit(
                batch.files.map { ($0.record, $0.rejects) }, writes: writes, newestAccepted: engine.newestAccepted)
            replacedSinceReclaim += writes.count
        } catch let error as PostgresError where error.isUniqueViolation || (error.isDataError && batch.files.count > 1)
        {
            try redo(batch, report: report)
            return
        } catch let error as PostgresError where error.isDataError {
            let file = batch.files[0]
            logger.error(
                "the store refuses a file's data",
                metadata: ["file": "\(file.record.fileName)", "error": "\(DigitRunMasker.masked("\(error)"))"])
            needsReload = true
            try reload()
            try report(
                file.url,
                try refuse(file.url, hash: file.record.contentHash, reason: "the store refused its data: \(error)"))
            return
        }
        try compactIfDue()
        try reclaimIfDue()
        for file in batch.files { try report(file.url, .applied(file.record, file.counts)) }
    }

    /// Applies the records the engine holds back and gives each file of the batch its accepted and
    /// duplicate records.
    private func settle(_ batch: inout Batch) {
        engine.settle()
        for index in batch.files.indices {
            let tally = engine.tally(of: batch.files[index].ticket)
            batch.files[index].counts.accepted = tally.accepted
            batch.files[index].counts.duplicates = tally.duplicates
            batch.files[index].record.accepted = tally.accepted
            batch.files[index].record.duplicates = tally.duplicates
        }
    }

    /// Rebuilds the engine from the store and applies the batch's files again one by one, but
    /// for the files `deferring`, which are left for later.
    private func redo(
        _ batch: Batch, deferring changed: Set<URL> = [], report: (URL, FileOutcome) throws -> Void
    ) throws {
        needsReload = true
        try reload()
        for file in batch.files {
            guard !changed.contains(file.url) else {
                try report(file.url, .deferred(fileName: file.url.lastPathComponent, reason: Self.changedReason))
                continue
            }
            try report(file.url, try ingest(file.url))
        }
    }

    /// Why a file that changed while it was read is left for later.
    static let changedReason = FeedError.changedWhileReading.description

    /// Applies the rejected records a reference load may have fixed (`unknown_cell`,
    /// `unknown_mcc`, `future`) as far as the lateness rules allow, in one transaction: applied
    /// ones leave the rejects store, late ones stay as `late`, unresolved ones stay as they were.
    /// - Parameter chunkSize: rejects read at a time; memory grows with it and with the phones
    ///   touched, not with the number of rejects.
    public func replayRejects(chunkSize: Int = 10_000) throws -> ReplayOutcome {
        if needsReload { try reload() }
        var outcome = ReplayOutcome()
        var touched: [(masked: String, key: PhoneKey)] = []
        var seen = Set<PhoneKey>()
        let now = clock.now()
        engine.beginFile()
        do {
            try store.replayRejects(chunkSize: max(1, chunkSize)) { chunk in
                var resolved: [RejectPosition] = []
                var late: [RejectPosition] = []
                outcome.examined += chunk.count
                for candidate in chunk {
                    let row = candidate.row
                    guard let cell = CellKey(mcc: row.mcc, mnc: row.mnc, lac: row.lac, cellID: row.cellID),
                        case .success(let observation) = reader.observation(time: row.time, cell: cell, now: now)
                    else {
                        outcome.stillRejected += 1
                        continue
                    }
                    switch engine.add(observation, for: row.phoneKey) {
                    case .accepted:
                        outcome.applied += 1
                        resolved.append(candidate.position)
                        if seen.insert(row.phoneKey).inserted { touched.append((row.masked, row.phoneKey)) }
                    case .duplicate:
                        outcome.duplicates += 1
                        resolved.append(candidate.position)
                    case .late:
                        outcome.late += 1
                        late.append(candidate.position)
                    }
                }
                return (resolved, late)
            } finish: {
                engine.endFile()
                return ReplayCommit(
                    writes: try writes(for: touched), newestAccepted: engine.newestAccepted, outcome: outcome)
            }
        } catch {
            needsReload = true
            throw error
        }
        return outcome
    }

    /// Applies retention (docs/rules.md) about once an hour of data time: phones silent for longer than
    /// `W + L + 1 day` are forgotten in memory and deleted from the store. (The old visits of
    /// other phones leave the store as the phones come due.)
    /// Retention runs on the data clock (newest accepted event), which is the wall clock for a
    /// live feed and keeps replays of old feeds meaningful.
    private func compactIfDue() throws {
        guard let now = engine.newestAccepted, now - (lastCompaction ?? .min / 2) >= 3600 else { return }
        lastCompaction = now
        let forgotten = engine.compact(now: now)
        try store.expire(forgotten)
        if !forgotten.isEmpty {
            let gone = Set(forgotten)
            applier.updateNamings { $0.forget(gone) }
        }
    }

    /// Reclaims the space of replaced phone rows once half as many as there are phones (and at
    /// least 10,000) have been replaced, so the store holds about one dead row per live one at most.
    private func reclaimIfDue() throws {
        guard replacedSinceReclaim >= max(engine.phoneCount / 2, 10_000) else { return }
        try store.reclaimReplacedRows()
        replacedSinceReclaim = 0
    }

    /// Refuses a file; what it says of the file (name, reason, path) is masked as the ledger keeps it.
    private func refuse(_ url: URL, hash: [UInt8]?, reason: String) throws -> FileOutcome {
        var movedTo: String?
        do {
            movedTo = try FileMove.move(url, into: url.deletingLastPathComponent().appendingPathComponent("failed"))
                .path
        } catch {
            let (path, error) = (DigitRunMasker.maskedFileName(url.path), DigitRunMasker.masked("\(error)"))
            logger.error("could not move refused file aside", metadata: ["file": "\(path)", "error": "\(error)"])
        }
        try store.recordRefused(fileName: url.lastPathComponent, contentHash: hash, reason: reason, movedTo: movedTo)
        let (name, reason) = (DigitRunMasker.maskedFileName(url.lastPathComponent), DigitRunMasker.masked(reason))
        logger.warning("refused file", metadata: ["file": "\(name)", "reason": "\(reason)"])
        return .refused(fileName: name, reason: reason, movedTo: movedTo.map(DigitRunMasker.maskedFileName))
    }
}
