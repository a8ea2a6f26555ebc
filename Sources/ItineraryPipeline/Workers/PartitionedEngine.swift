import ItineraryCore

/// The rules engine split by a hash of the phone key into one engine per worker, each owning its
/// phones' state outright, so workers apply a file's observations in parallel without locks.
///
/// Every partition keeps the watermark a single engine would have: a file's newest accepted time
/// is noted across partitions and handed to each at `endFile`. Lateness depends only on that
/// watermark and every phone lives in one partition, so accepted, duplicate and late records,
/// and every card, are those of one engine, whatever the number of partitions.
///
/// Records of a feed file are held back (`hold`) and applied in bulk (`settle`): a phone's
/// records from many files are then applied one after another while its state is in the CPU's
/// cache, instead of one memory miss after another per record. Each held record keeps the
/// watermark of its file, so the outcome is that of applying each file as it comes.
struct PartitionedEngine<Key: PartitionKey>: Sendable {
    /// A file begun: its records' outcomes are in `tally(of:)` once the engine has settled.
    struct FileTicket: Hashable, Sendable {
        fileprivate let index: Int
    }

    private var partitions: [ItineraryEngine<Key>]
    /// Records held back, by partition.
    private var held: [HeldRecords<Key>]
    /// Watermark and tally of each file begun since `dropTallies`.
    private var files: [(watermark: Int64, tally: AppliedCounts)] = []
    /// Records held back, not yet applied.
    private(set) var heldCount = 0
    /// Newest time accepted from the file in hand, across partitions.
    private(set) var newestInFile: Int64?

    init(rules: CardRules, horizon: Int64? = nil, newestAccepted: Int64? = nil, partitions count: Int) {
        partitions = Array(
            repeating: ItineraryEngine(rules: rules, horizon: horizon, newestAccepted: newestAccepted),
            count: max(1, count))
        held = Array(repeating: HeldRecords<Key>(), count: max(1, count))
    }

    var count: Int { partitions.count }
    /// The rules of every partition (a new risk list is set on all of them).
    var rules: CardRules {
        get { partitions[0].rules }
        set { for index in partitions.indices { partitions[index].rules = newValue } }
    }
    /// The watermark the next file will start with.
    var watermark: Int64 { partitions[0].watermark }
    /// The watermark in force for the file in hand.
    var fileWatermark: Int64 { partitions[0].fileWatermark }
    /// Newest event time accepted from finished files.
    var newestAccepted: Int64? { partitions[0].newestAccepted }
    /// Phones held.
    var phoneCount: Int { partitions.reduce(0) { $0 + $1.tracks.count } }
    /// Every phone held, in no particular order (the engine must have settled).
    var keys: [Key] {
        precondition(heldCount == 0, "settle first")
        return partitions.flatMap(\.tracks.keys)
    }

    /// The partition that owns `key`.
    func partition(of key: Key) -> Int {
        Self.partition(of: key, among: partitions.count)
    }

    /// The partition that owns `key` in an engine of `count` partitions.
    static func partition(of key: Key, among count: Int) -> Int {
        Int((key.spread >> 32) % UInt64(count))
    }

    /// One phone's state (the engine must have settled).
    func track(for key: Key) -> PhoneTrack? {
        precondition(heldCount == 0, "settle first")
        return partitions[partition(of: key)].tracks[key]
    }

    /// One phone's card (the engine must have settled).
    func card(for key: Key, at time: Int64, closeContact: Bool = false) -> Card {
        precondition(heldCount == 0, "settle first")
        return partitions[partition(of: key)].card(for: key, at: time, closeContact: closeContact)
    }

    /// Puts back one phone's state, as restored from a store.
    mutating func restore(_ track: PhoneTrack, for key: Key) {
        partitions[partition(of: key)].restore(track, for: key)
    }

    /// Starts a file: fixes its watermark in every partition.
    @discardableResult
    mutating func beginFile() -> FileTicket {
        for index in partitions.indices { partitions[index].beginFile() }
        newestInFile = nil
        files.append((partitions[0].fileWatermark, AppliedCounts()))
        return FileTicket(index: files.count - 1)
    }

    /// Holds back records of the file in hand, none of them late, all owned by `partition`.
    mutating func hold(_ records: some Sequence<(key: Key, observation: Observation)>, partition: Int) {
        let file = Int32(files.count - 1)
        let before = held[partition].records.count
        held[partition].records.append(
            contentsOf: records.lazy.map {
                HeldRecords<Key>.Record(key: $0.key, observation: $0.observation, file: file)
            })
        heldCount += held[partition].records.count - before
    }

    /// Holds back one record of the file in hand that is not late.
    mutating func hold(_ observation: Observation, for key: Key) {
        held[partition(of: key)].records.append(
            HeldRecords<Key>.Record(key: key, observation: observation, file: Int32(files.count - 1)))
        heldCount += 1
    }

    /// Applies every held record, each partition on its own worker, and adds their outcomes to
    /// their files' tallies.
    mutating func settle() {
        guard heldCount > 0 else { return }
        let watermarks = files.map(\.watermark)
        var tallies = [[AppliedCounts]](repeating: [], count: partitions.count)
        tallies.withDisjointElements { tallies in
            held.withDisjointElements { held in
                partitions.withDisjointElements { partitions in
                    Workers.run(partitions.count) { index in
                        let tally = partitions.update(index) { engine in
                            held.update(index) { $0.apply(to: &engine, watermarks: watermarks) }
                        }
                        tallies.update(index) { $0 = tally }
                    }
                }
            }
        }
        heldCount = 0
        for partitionTallies in tallies {
            for (index, tally) in partitionTallies.enumerated() { files[index].tally += tally }
        }
    }

    /// Accepted and duplicate records of a file begun since `dropTallies` (the engine must have settled).
    func tally(of ticket: FileTicket) -> AppliedCounts {
        precondition(heldCount == 0, "settle first")
        return files[ticket.index].tally
    }

    /// Forgets the tallies of settled files; their tickets are no longer valid.
    mutating func dropTallies() {
        precondition(heldCount == 0, "settle first")
        files.removeAll(keepingCapacity: true)
    }

    /// Notes a record of the file in hand that is not late: its time can move the watermark.
    mutating func noteNotLate(_ time: Int64) {
        newestInFile = max(newestInFile ?? time, time)
    }

    /// Applies one observation of the file in hand at once (one at a time, on the caller's thread).
    mutating func add(_ observation: Observation, for key: Key) -> AddOutcome {
        precondition(heldCount == 0, "settle first")
        let outcome = partitions[partition(of: key)].add(observation, for: key)
        if outcome != .late { noteNotLate(observation.time) }
        return outcome
    }

    /// Finishes the file in hand: every partition moves to the one new watermark.
    /// - Parameter carried: the newest valid event time of the whole file a shard's part was
    ///   split from, if it is one.
    mutating func endFile(carrying carried: Int64? = nil) {
        let newest = [newestInFile, carried].compactMap { $0 }.max()
        for index in partitions.indices { partitions[index].endFile(carrying: newest) }
        newestInFile = nil
    }

    /// Seals and applies retention in every partition in parallel (see `ItineraryEngine.compact`);
    /// returns the phones forgotten.
    mutating func compact(now: Int64) -> [Key] {
        precondition(heldCount == 0, "settle first")
        var forgotten = [[Key]](repeating: [], count: partitions.count)
        forgotten.withDisjointElements { forgotten in
            withPartitions { partitions in
                Workers.run(partitions.count) { index in
                    let gone = partitions.update(index) { $0.compact(now: now) }
                    forgotten.update(index) { $0 = gone }
                }
            }
        }
        return forgotten.flatMap { $0 }
    }

    /// Lends the partitions to parallel workers, each updating only its own.
    mutating func withPartitions<Result>(
        _ body: (DisjointBuffer<ItineraryEngine<Key>>) throws -> Result
    ) rethrows -> Result {
        try partitions.withDisjointElements(body)
    }
}
