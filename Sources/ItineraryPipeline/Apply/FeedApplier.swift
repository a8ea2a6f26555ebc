import ItineraryCore
import ItineraryFeed
import Synchronization

/// Applies one checked feed file to an engine, the same way for the offline command and the
/// store: valid records go to the engine under their phone's key, everything else becomes a
/// reject with its reason. Files must be applied one at a time, in delivery order.
///
/// The work is spread over one worker per engine partition. A file kept in memory is cut into
/// pieces at line ends; workers parse pieces in parallel, each valid record going to the bucket
/// of the partition that owns its phone; the buckets go to their partitions in file order, held
/// back in the engine, which applies them in bulk, each worker its own partition, once
/// `Sizes.heldRecords` are held (see `PartitionedEngine`). Whether a record is late depends
/// only on the watermark fixed when the file starts, so the parse decides it, and rejects (late
/// records among them) are handed on in line order: the outcome is that of a single worker,
/// byte for byte. A file read as a stream is parsed on the caller's thread.
struct FeedApplier<Naming: PhoneNaming>: Sendable {
    typealias Key = Naming.Key

    /// How the work is cut; tests vary it, the outcome must not change.
    struct Sizes: Sendable {
        /// Bounds of a piece's size: small enough to share a small file among workers, large
        /// enough that handing pieces out costs nothing next to parsing them.
        var pieceBytes: ClosedRange<Int> = (64 << 10)...(1 << 20)
        /// Records of a file read as a stream parsed before they are handed to the engine.
        var streamBatch = 1 << 16
        /// Records the engine holds back before it settles: enough that each phone has several
        /// (20,000 phones hold 26 each), few enough to bound memory (24 MiB of records keyed by
        /// number, 48 MiB by HMAC, and as much again to regroup them).
        var heldRecords = 1 << 19
    }

    let reader: FeedReader
    let sizes: Sizes
    /// Each worker's naming of phones.
    private(set) var namings: [Naming]
    /// Pieces of the file in hand, their buffers kept from file to file.
    private var pieces: [Piece] = []

    init(reader: FeedReader, workers: Int, naming: Naming, sizes: Sizes = Sizes()) {
        self.reader = reader
        self.sizes = sizes
        namings = Array(repeating: naming, count: max(1, workers))
    }

    var workers: Int { namings.count }

    /// Changes every worker's naming the same way.
    mutating func updateNamings(_ body: (inout Naming) -> Void) {
        for index in namings.indices { body(&namings[index]) }
    }

    /// Applies `file` to `engine` (one partition per worker; its watermark fixed at the start),
    /// calling `reject` for each line not applied, in line order.
    /// The caller finishes with `engine.endFile(carrying: file.splitStamp?.newestEvent)` once the
    /// file's effects are committed. The counts it returns have no accepted and duplicate records
    /// yet: the engine may still hold the file's records; once it has settled, they are in
    /// `engine.tally(of: ticket)`.
    /// - Throws: `FeedError.changedWhileReading` when a file read as a stream changed on disk
    ///   after its check: part of it has reached the engine, which the caller must then rebuild.
    mutating func apply(
        _ file: FeedFile, to engine: inout PartitionedEngine<Key>, now: Int64, reject: (FeedReject) -> Void
    ) throws -> (counts: FileOutcomeCounts, ticket: PartitionedEngine<Key>.FileTicket) {
        precondition(engine.count == workers, "one partition per worker")
        let ticket = engine.beginFile()
        if workers == 1 { return (try applyDirectly(file, to: &engine, now: now, reject: reject), ticket) }
        var counts = FileOutcomeCounts()
        let context = Piece.Context(
            file: file.name.description, watermark: engine.fileWatermark, partitions: engine.count)
        let size = min(
            max(file.decompressedBytes / (workers * 4), sizes.pieceBytes.lowerBound), sizes.pieceBytes.upperBound)
        if let ranges = reader.chunks(of: file, size: size) {
            var lineBase = 1  // the header
            // A few pieces per worker at a time, so a worker slowed by the machine holds up little.
            let round = workers * 4
            for start in stride(from: 0, to: ranges.count, by: round) {
                let batch = ranges[start..<min(start + round, ranges.count)]
                preparePieces(batch.count, partitions: engine.count)
                for (index, range) in batch.enumerated() { pieces[index].range = range }
                parse(file, pieces: batch.count, now: now, context: context)
                try finish(batch.count, lineBase: &lineBase, counts: &counts, engine: &engine, reject: reject)
            }
        } else {
            var lineBase = 0  // the stream's line numbers are the file's
            preparePieces(1, partitions: engine.count)
            let summary = try reader.read(file, now: now) { item in
                pieces[0].take(item, context: context, naming: &namings[0])
                if pieces[0].routed >= sizes.streamBatch {
                    try finish(1, lineBase: &lineBase, counts: &counts, engine: &engine, reject: reject)
                    preparePieces(1, partitions: engine.count)
                }
            }
            try finish(1, lineBase: &lineBase, counts: &counts, engine: &engine, reject: reject)
            counts.records = summary.records
            counts.rejected = summary.rejected
        }
        return (counts, ticket)
    }

    /// Hands each record of `file` to the engine as it is parsed, on the caller's thread.
    private mutating func applyDirectly(
        _ file: FeedFile, to engine: inout PartitionedEngine<Key>, now: Int64, reject: (FeedReject) -> Void
    ) throws -> FileOutcomeCounts {
        var counts = FileOutcomeCounts()
        let name = file.name.description
        let watermark = engine.fileWatermark
        let heldRecords = sizes.heldRecords
        let summary = try reader.read(file, now: now) { item in
            switch item {
            case let .record(phone, observation, line, raw):
                let key = namings[0].key(for: phone)
                if observation.time < watermark {
                    counts.late += 1
                    reject(FeedReject(file: name, line: line, reason: .late, raw: raw.text))
                } else {
                    engine.noteNotLate(observation.time)
                    engine.hold(observation, for: key)
                    if engine.heldCount >= heldRecords { engine.settle() }
                }
            case let .rejected(rejected):
                reject(rejected)
            }
        }
        counts.records = summary.records
        counts.rejected = summary.rejected
        return counts
    }

    /// Empties the first `count` pieces, keeping their buffers.
    private mutating func preparePieces(_ count: Int, partitions: Int) {
        while pieces.count < count { pieces.append(Piece(partitions: partitions)) }
        for index in 0..<count { pieces[index].reset() }
    }

    /// Parses the first `count` pieces in parallel, each worker taking the next piece not taken.
    private mutating func parse(_ file: FeedFile, pieces count: Int, now: Int64, context: Piece.Context) {
        let reader = reader
        let next = PieceCounter()
        pieces.withDisjointElements { pieces in
            namings.withDisjointElements { namings in
                Workers.run(namings.count) { worker in
                    while case let index = next.claim(), index < count {
                        namings.update(worker) { naming in
                            pieces.update(index) { piece in
                                do {
                                    let (summary, lines) = try reader.read(file, chunk: piece.range, now: now) {
                                        piece.take($0, context: context, naming: &naming)
                                    }
                                    piece.records = summary.records
                                    piece.rejected = summary.rejected
                                    piece.lines = lines
                                } catch {
                                    piece.error = error
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Hands on the first `count` pieces' rejects in line order and their records to the engine, in
    /// file order.
    private mutating func finish(
        _ count: Int, lineBase: inout Int, counts: inout FileOutcomeCounts, engine: inout PartitionedEngine<Key>,
        reject: (FeedReject) -> Void
    ) throws {
        if let error = pieces[0..<count].lazy.compactMap(\.error).first { throw error }
        for piece in pieces[0..<count] {
            counts.records += piece.records
            counts.rejected.merge(piece.rejected, uniquingKeysWith: +)
            counts.late += piece.late
            if let newest = piece.newest { engine.noteNotLate(newest) }
            for var rejected in piece.rejects {
                rejected.line += lineBase
                reject(rejected)
            }
            lineBase += piece.lines
        }
        for piece in pieces[0..<count] {
            for (partition, bucket) in piece.buckets.enumerated() { engine.hold(bucket, partition: partition) }
        }
        if engine.heldCount >= sizes.heldRecords { engine.settle() }
    }

    /// One piece of a file: its valid records sorted into partitions, and what else its lines held.
    private struct Piece: Sendable {
        /// What every piece of a file shares.
        struct Context: Sendable {
            let file: String
            let watermark: Int64
            let partitions: Int
        }

        var range: Range<Int> = 0..<0
        /// Records not late, by partition, in line order.
        var buckets: [[(key: Key, observation: Observation)]]
        /// Rejected lines, late ones among them, in line order (numbered from the piece's start).
        var rejects: [FeedReject] = []
        var records = 0
        var rejected: [FeedRejectReason: Int] = [:]
        var late = 0
        var newest: Int64?
        var lines = 0
        var routed = 0
        var error: (any Error)?

        init(partitions: Int) {
            buckets = Array(repeating: [], count: partitions)
        }

        mutating func reset() {
            for index in buckets.indices { buckets[index].removeAll(keepingCapacity: true) }
            rejects.removeAll(keepingCapacity: true)
            records = 0
            rejected = [:]
            late = 0
            newest = nil
            lines = 0
            routed = 0
            error = nil
        }

        /// Sorts one line's item: a record older than the file's watermark is late (the engine's
        /// rule), any other goes to its phone's partition.
        mutating func take(_ item: FeedItem, context: Context, naming: inout Naming) {
            switch item {
            case let .record(phone, observation, line, raw):
                let key = naming.key(for: phone)
                if observation.time < context.watermark {
                    late += 1
                    rejects.append(FeedReject(file: context.file, line: line, reason: .late, raw: raw.text))
                } else {
                    newest = max(newest ?? observation.time, observation.time)
                    buckets[PartitionedEngine<Key>.partition(of: key, among: context.partitions)].append(
                        (key, observation))
                    routed += 1
                }
            case let .rejected(rejected):
                rejects.append(rejected)
            }
        }
    }
}

/// Hands out piece numbers to workers, each number once.
private final class PieceCounter: Sendable {
    private let next = Atomic<Int>(0)

    func claim() -> Int { next.wrappingAdd(1, ordering: .relaxed).oldValue }
}
