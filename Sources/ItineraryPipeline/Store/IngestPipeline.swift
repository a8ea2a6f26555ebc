import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryStore
import Logging

/// Feed files into the store, exactly once (SPEC §4).
///
/// Files are applied to the in-memory engine one at a time, in delivery order, and committed in
/// batches: the ledger rows and rejects of the batch's files and the new state, visits and card
/// of every phone they touched go in one transaction. A batch is all or nothing, so each file is
/// applied exactly once; batching only spares rewriting a phone once per file. The engine is
/// rebuilt from the store at start, so a killed process resumes from what committed. If the store
/// fails the pipeline stops trusting memory and its connection, and reconnects and reloads before
/// the next file.
public final class IngestPipeline {
    public private(set) var store: PipelineStore
    let connect: () throws -> PostgresConnection
    let applier: FeedApplier
    let keyer: PhoneKeyer
    let contacts: ContactList<PhoneKey>
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
    public init(connect: @escaping () throws -> PostgresConnection, reader: FeedReader, keyer: PhoneKeyer, rules: CardRules,
                contacts: ContactList<PhoneKey> = .empty, clock: @escaping @Sendable () -> Int64,
                logger: Logger = Logger(label: "itinerary.ingest")) throws {
        self.connect = connect
        store = try PipelineStore(connection: try connect())
        applier = FeedApplier(reader: reader)
        self.keyer = keyer
        self.contacts = contacts
        self.clock = clock
        self.logger = logger
        engine = ItineraryEngine(rules: rules)
        try reload()
    }

    /// Phones held in memory.
    public var phoneCount: Int { engine.tracks.count }

    /// The watermark the next file will be checked against.
    public var watermark: Int64 { engine.watermark }

    /// Newest event time accepted so far.
    public var newestAccepted: Int64? { engine.newestAccepted }

    /// Rebuilds the engine from what the store has committed.
    public func reload() throws {
        if needsReload { store = try PipelineStore(connection: try connect()) }
        var engine = ItineraryEngine<PhoneKey>(rules: engine.rules, newestAccepted: try store.newestAccepted())
        for (key, track) in try store.tracks() { engine.restore(track, for: key) }
        self.engine = engine
        needsReload = false
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
    public func ingest(_ urls: [URL], recordsPerCommit: Int = 1_000_000, report: (URL, FileOutcome) throws -> Void) throws {
        if needsReload { try reload() }
        var batch = Batch(number: nextBatchNumber())
        do {
            for url in urls {
                if let outcome = try apply(url, to: &batch) {
                    try report(url, outcome)
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

    /// Files applied to the engine and not yet committed.
    private struct Batch {
        let number: Int
        var files: [(url: URL, record: IngestRecord, rejects: [RejectRow], counts: FileOutcomeCounts)] = []
        var touched: [(Phone, PhoneKey)] = []
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
        let compressed: [UInt8]
        do {
            compressed = [UInt8](try Data(contentsOf: url))
        } catch {
            return try refuse(url, hash: nil, reason: "unreadable: \(error.localizedDescription)")
        }
        let hash = ContentHash.sha256(compressed)
        if try batch.hashes.contains(hash) || store.isIngested(contentHash: hash) { return .alreadyIngested(fileName: name) }
        let file: FeedFile
        do {
            guard let feedName = FeedFileName(name) else { throw FeedError.badFileName(name) }
            file = try FeedFile(name: feedName, compressed: compressed)
        } catch let error as FeedError {
            return try refuse(url, hash: hash, reason: error.description)
        }

        let number = batch.number
        var rejects: [RejectRow] = []
        let msisdnField = file.header.position(of: .msisdn)
        let counts = applier.apply(file, to: &engine, now: clock(), key: { phone in
            if let index = keys.index(forKey: phone) {
                let entry = keys.values[index]
                if entry.batch != number {
                    keys.values[index].batch = number
                    batch.touched.append((phone, entry.key))
                }
                return entry.key
            }
            let key = keyer.key(for: phone)
            keys[phone] = (key, number)
            batch.touched.append((phone, key))
            return key
        }, reject: { reject in
            rejects.append(RejectRow(line: reject.line, reason: reject.reason.rawValue,
                                     raw: RawLineMasker.mask(reject.raw, msisdnField: msisdnField)))
        })
        let record = IngestRecord(
            fileName: name, contentHash: hash, compressedBytes: compressed.count, decompressedBytes: file.csv.count,
            records: counts.records, accepted: counts.accepted, duplicates: counts.duplicates, late: counts.late,
            rejected: counts.rejectedCount, watermark: engine.fileWatermark == .min ? nil : engine.fileWatermark,
            newestEvent: engine.newestInFile)
        engine.endFile()
        batch.files.append((url, record, rejects, counts))
        batch.hashes.insert(hash)
        batch.records += counts.records
        return nil
    }

    /// Commits a batch; on a file committed meanwhile by another process, redoes the batch's
    /// files one by one from what the store holds.
    private func commit(_ batch: Batch, report: (URL, FileOutcome) throws -> Void) throws {
        guard !batch.files.isEmpty else { return }
        let cardTime = engine.newestAccepted ?? clock()
        let writes = batch.touched.compactMap { phone, key -> TrackWrite? in
            guard let track = engine.tracks[key] else { return nil }
            let visits = track.visits(through: .max, rules: engine.rules)
            let card = engine.card(for: key, at: cardTime, closeContact: contacts.isContact(key, at: cardTime))
            return TrackWrite(key: key, masked: phone.masked, track: track, visits: visits, card: card)
        }
        do {
            try store.commit(batch.files.map { ($0.record, $0.rejects) }, writes: writes, newestAccepted: engine.newestAccepted)
        } catch let error as PostgresError where error.isUniqueViolation {
            needsReload = true
            try reload()
            for file in batch.files { try report(file.url, try ingest(file.url)) }
            return
        }
        try compactIfDue()
        for file in batch.files { try report(file.url, .applied(file.record, file.counts)) }
    }

    /// Applies retention (SPEC §4) about once an hour of data time: phones silent for longer than
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
        let failed = url.deletingLastPathComponent().appendingPathComponent("failed")
        var movedTo: String?
        do {
            try FileManager.default.createDirectory(at: failed, withIntermediateDirectories: true)
            let target = failed.appendingPathComponent(url.lastPathComponent)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.moveItem(at: url, to: target)
            movedTo = target.path
        } catch {
            logger.error("could not move refused file aside", metadata: ["file": "\(url.path)", "error": "\(error)"])
        }
        try store.recordRefused(fileName: url.lastPathComponent, contentHash: hash, reason: reason, movedTo: movedTo)
        logger.warning("refused file", metadata: ["file": "\(url.lastPathComponent)", "reason": "\(reason)"])
        return .refused(fileName: url.lastPathComponent, reason: reason, movedTo: movedTo)
    }
}
