import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryStore
import Logging

/// Feed files into the store, exactly once (docs/feed-format.md).
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
    public private(set) var store: PipelineStore
    let connect: () throws -> PostgresConnection
    let applier: FeedApplier
    let keyer: PhoneKeyer
    let contacts: ContactList<PhoneKey>
    let limits: FeedLimits
    let lockPolicy: WriterLockPolicy
    let clock: @Sendable () -> Int64
    let logger: Logger
    private(set) var engine: ItineraryEngine<PhoneKey>
    /// Phone → key, with the number of the last batch that touched the phone.
    private var keys: [Phone: (key: PhoneKey, batch: Int)] = [:]
    private var batchNumber = 0
    private var needsReload = false
    private var lastCompaction: Int64?

    /// - Parameters:
    ///   - clock: the ingest clock, Unix seconds (records over ten minutes ahead are `future`).
    ///   - connect: opens a connection to the store, now and after a failure.
    ///   - lock: what to do when another process holds the writer lock.
    /// - Throws: `WriterLockError` when another process holds the writer lock and `lock` is `.fail`.
    public init(
        connect: @escaping () throws -> PostgresConnection, reader: FeedReader, keyer: PhoneKeyer, rules: CardRules,
        contacts: ContactList<PhoneKey> = .empty, limits: FeedLimits = .standard, lock: WriterLockPolicy = .fail,
        clock: @escaping @Sendable () -> Int64, logger: Logger = Logger(label: "itinerary.ingest")
    ) throws {
        self.connect = connect
        store = try PipelineStore(connection: try connect())
        applier = FeedApplier(reader: reader)
        self.keyer = keyer
        self.contacts = contacts
        self.limits = limits
        lockPolicy = lock
        self.clock = clock
        self.logger = logger
        engine = ItineraryEngine(rules: rules)
        try lockWriter(patience: 0)
        try reload()
    }

    /// Phones held in memory.
    public var phoneCount: Int { engine.tracks.count }

    /// The watermark the next file will be checked against.
    public var watermark: Int64 { engine.watermark }

    /// Newest event time accepted so far.
    public var newestAccepted: Int64? { engine.newestAccepted }

    /// Rebuilds the engine from what the store has committed (on a new connection, with the
    /// writer lock taken again, after a failure).
    public func reload() throws {
        if needsReload {
            // Hand the lock back first, so the new session can take it at once.
            _ = try? store.connection.execute("SELECT pg_advisory_unlock_all()")
            store = try PipelineStore(connection: try connect())
            // After a failure the server may not have noticed the old session is gone yet.
            try lockWriter(patience: 30)
        }
        var engine = ItineraryEngine<PhoneKey>(rules: engine.rules, newestAccepted: try store.newestAccepted())
        for (key, track) in try store.tracks() { engine.restore(track, for: key) }
        self.engine = engine
        needsReload = false
    }

    /// Hands the store's writer lock back, so another pipeline can take it; this one takes it
    /// again (and reloads) before its next file.
    public func releaseWriterLock() {
        _ = try? store.connection.execute("SELECT pg_advisory_unlock_all()")
        needsReload = true
    }

    /// Takes the writer lock as the policy says; with `.fail`, waits at most `patience` seconds.
    private func lockWriter(patience: Double) throws {
        let started = Date()
        var announced = false
        while try !store.tryLockWriter() {
            let holder = try store.writerLockHolder()
            switch lockPolicy {
            case .fail:
                guard Date().timeIntervalSince(started) < patience else { throw WriterLockError(holder: holder) }
                Thread.sleep(forTimeInterval: 0.5)
            case .wait(let poll, let cancelled):
                if cancelled() { throw WriterLockError(holder: holder) }
                if !announced {
                    logger.warning(
                        "waiting for the store's writer lock", metadata: ["holder": "\(holder ?? "unknown")"])
                    announced = true
                }
                Thread.sleep(forTimeInterval: poll)
            }
        }
        if announced { logger.info("took the store's writer lock") }
    }

    /// Ingests one file: applies and commits it, skips it if its content is in the ledger, or
    /// refuses it whole (moving it to `failed/` beside it). Throws only when the store fails.
    public func ingest(_ url: URL) throws -> FileOutcome {
        var outcome: FileOutcome?
        try ingest([url]) { outcome = $1 }
        return outcome!
    }

    /// Ingests files in the order given, committing about `recordsPerCommit` records' worth of
    /// files at a time; `report` hears of each file once its fate is committed.
    public func ingest(
        _ urls: [URL], recordsPerCommit: Int = 1_000_000, report: (URL, FileOutcome) throws -> Void
    ) throws {
        if needsReload { try reload() }
        var batch = Batch(number: nextBatchNumber())
        do {
            for url in urls {
                do {
                    if let outcome = try apply(url, to: &batch) {
                        try report(url, outcome)
                        continue
                    }
                } catch FeedError.changedWhileReading {
                    // Part of the file reached the engine: rebuild it, redo the batch so far, refuse the file.
                    try redo(batch, report: report)
                    batch = Batch(number: nextBatchNumber())
                    try report(url, try refuse(url, hash: nil, reason: FeedError.changedWhileReading.description))
                    continue
                }
                if batch.records >= recordsPerCommit {
                    try commit(batch, report: report)
                    batch = Batch(number: nextBatchNumber())
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

    /// Files applied to the engine and not yet committed.
    private struct Batch {
        let number: Int
        var files: [(url: URL, record: IngestRecord, rejects: [RejectRow], counts: FileOutcomeCounts)] = []
        var touched: [(masked: String, key: PhoneKey)] = []
        var hashes = Set<[UInt8]>()
        var records = 0
    }

    private func nextBatchNumber() -> Int {
        batchNumber += 1
        return batchNumber
    }

    /// Applies one file to the engine as part of `batch`, or returns what became of it instead.
    private func apply(_ url: URL, to batch: inout Batch) throws -> FileOutcome? {
        let name = url.lastPathComponent
        let file: FeedFile
        do {
            file = try FeedFile(contentsOf: url, limits: limits)
        } catch {
            return try refuse(url, hash: nil, reason: error.description)
        }
        let hash = file.contentHash
        if try batch.hashes.contains(hash) || store.isIngested(contentHash: hash) {
            return .alreadyIngested(fileName: name)
        }

        let number = batch.number
        var rejects: [RejectRow] = []
        let counts = try applier.apply(
            file, to: &engine, now: clock(),
            key: { phone in
                if let index = keys.index(forKey: phone) {
                    let entry = keys.values[index]
                    if entry.batch != number {
                        keys.values[index].batch = number
                        batch.touched.append((phone.masked, entry.key))
                    }
                    return entry.key
                }
                let key = keyer.key(for: phone)
                keys[phone] = (key, number)
                batch.touched.append((phone.masked, key))
                return key
            },
            reject: { reject in
                let replay = reject.replayable.map { record in
                    ReplayRow(
                        phoneKey: keyer.key(for: record.phone), masked: record.phone.masked, time: record.time,
                        mcc: record.cell.mcc, mnc: record.cell.mnc, lac: record.cell.lac, cellID: record.cell.cellID)
                }
                rejects.append(
                    RejectRow(
                        line: reject.line, reason: reject.reason.rawValue, raw: RawLineMasker.mask(reject.raw),
                        replay: replay))
            })
        let record = IngestRecord(
            fileName: name, contentHash: hash, compressedBytes: file.compressedBytes,
            decompressedBytes: file.decompressedBytes,
            records: counts.records, accepted: counts.accepted, duplicates: counts.duplicates, late: counts.late,
            rejected: counts.rejectedCount, watermark: engine.fileWatermark == .min ? nil : engine.fileWatermark,
            newestEvent: engine.newestInFile)
        engine.endFile(carrying: file.splitStamp?.newestEvent)
        batch.files.append((url, record, rejects, counts))
        batch.hashes.insert(hash)
        batch.records += counts.records
        return nil
    }

    /// The new state, visits and card of the given phones.
    private func writes(for touched: [(masked: String, key: PhoneKey)]) -> [TrackWrite] {
        let cardTime = engine.newestAccepted ?? clock()
        return touched.compactMap { masked, key -> TrackWrite? in
            guard let track = engine.tracks[key] else { return nil }
            let visits = track.visits(through: .max, rules: engine.rules)
            let card = engine.card(for: key, at: cardTime, closeContact: contacts.isContact(key, at: cardTime))
            return TrackWrite(key: key, masked: masked, track: track, visits: visits, card: card)
        }
    }

    /// Commits a batch. On a file committed meanwhile by another process, or data the store
    /// refuses, redoes the batch's files one by one from what the store holds; a single file
    /// whose data the store refuses is refused.
    private func commit(_ batch: Batch, report: (URL, FileOutcome) throws -> Void) throws {
        guard !batch.files.isEmpty else { return }
        do {
            try store.commit(
                batch.files.map { ($0.record, $0.rejects) }, writes: writes(for: batch.touched),
                newestAccepted: engine.newestAccepted)
        } catch let error as PostgresError where error.isUniqueViolation || (error.isDataError && batch.files.count > 1)
        {
            try redo(batch, report: report)
            return
        } catch let error as PostgresError where error.isDataError {
            let file = batch.files[0]
            logger.error(
                "the store refuses a file's data",
                metadata: ["file": "\(file.url.lastPathComponent)", "error": "\(error)"])
            needsReload = true
            try reload()
            try report(
                file.url,
                try refuse(file.url, hash: file.record.contentHash, reason: "the store refused its data: \(error)"))
            return
        }
        try compactIfDue()
        for file in batch.files { try report(file.url, .applied(file.record, file.counts)) }
    }

    /// Rebuilds the engine from the store and applies the batch's files again one by one.
    private func redo(_ batch: Batch, report: (URL, FileOutcome) throws -> Void) throws {
        needsReload = true
        try reload()
        for file in batch.files { try report(file.url, try ingest(file.url)) }
    }

    /// Applies the rejected records a reference load may have fixed (`unknown_cell`,
    /// `unknown_mcc`, `future`) as far as the lateness rules allow, in one transaction: applied
    /// ones leave the rejects store, late ones stay as `late`, unresolved ones stay as they were.
    public func replayRejects() throws -> ReplayOutcome {
        if needsReload { try reload() }
        let candidates = try store.replayableRejects()
        var outcome = ReplayOutcome(examined: candidates.count)
        var resolved: [(fileID: Int64, line: Int)] = []
        var late: [(fileID: Int64, line: Int)] = []
        var touched: [(masked: String, key: PhoneKey)] = []
        var seen = Set<PhoneKey>()
        let now = clock()
        engine.beginFile()
        for candidate in candidates {
            let row = candidate.row
            guard let cell = CellKey(mcc: row.mcc, mnc: row.mnc, lac: row.lac, cellID: row.cellID),
                case .success(let observation) = applier.reader.observation(time: row.time, cell: cell, now: now)
            else {
                outcome.stillRejected += 1
                continue
            }
            switch engine.add(observation, for: row.phoneKey) {
            case .accepted:
                outcome.applied += 1
                resolved.append((candidate.fileID, candidate.line))
                if seen.insert(row.phoneKey).inserted { touched.append((row.masked, row.phoneKey)) }
            case .duplicate:
                outcome.duplicates += 1
                resolved.append((candidate.fileID, candidate.line))
            case .late:
                outcome.late += 1
                late.append((candidate.fileID, candidate.line))
            }
        }
        engine.endFile()
        do {
            try store.commitReplay(
                applied: resolved, late: late, writes: writes(for: touched), newestAccepted: engine.newestAccepted,
                counts: (outcome.examined, outcome.applied, outcome.duplicates, outcome.late, outcome.stillRejected))
        } catch {
            needsReload = true
            throw error
        }
        return outcome
    }

    /// Applies retention (docs/rules.md) about once an hour of data time: phones silent for longer than
    /// `W + L + 1 day` are forgotten in memory and deleted from the store, with old visits.
    /// Retention runs on the data clock (newest accepted event), which is the wall clock for a
    /// live feed and keeps replays of old feeds meaningful.
    private func compactIfDue() throws {
        guard let now = engine.newestAccepted, now - (lastCompaction ?? .min / 2) >= 3600 else { return }
        lastCompaction = now
        let forgotten = engine.compact(now: now)
        try store.expire(forgotten, visitsEndingBefore: now - engine.rules.configuration.retention)
        // The phone → key cache forgets them too, or it would grow with every phone ever seen.
        if !forgotten.isEmpty {
            let gone = Set(forgotten)
            keys = keys.filter { !gone.contains($0.value.key) }
        }
    }

    private func refuse(_ url: URL, hash: [UInt8]?, reason: String) throws -> FileOutcome {
        var movedTo: String?
        do {
            movedTo = try FileMove.move(url, into: url.deletingLastPathComponent().appendingPathComponent("failed"))
                .path
        } catch {
            logger.error("could not move refused file aside", metadata: ["file": "\(url.path)", "error": "\(error)"])
        }
        try store.recordRefused(fileName: url.lastPathComponent, contentHash: hash, reason: reason, movedTo: movedTo)
        logger.warning("refused file", metadata: ["file": "\(url.lastPathComponent)", "reason": "\(reason)"])
        return .refused(fileName: url.lastPathComponent, reason: reason, movedTo: movedTo)
    }
}
