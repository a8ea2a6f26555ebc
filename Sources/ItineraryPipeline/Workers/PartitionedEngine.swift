import ItineraryCore

/// The rules engine split by a hash of the phone key into one engine per worker, each owning its
/// phones' state outright, so workers apply a file's observations in parallel without locks.
///
/// Every partition keeps the watermark a single engine would have: a file's newest accepted time
/// is noted across partitions and handed to each at `endFile`. Lateness depends only on that
/// watermark and every phone lives in one partition, so accepted, duplicate and late records,
/// and every card, are those of one engine, whatever the number of partitions.
struct PartitionedEngine<Key: PartitionKey>: Sendable {
    private var partitions: [ItineraryEngine<Key>]
    /// Newest time accepted from the file in hand, across partitions.
    private(set) var newestInFile: Int64?

    init(rules: CardRules, horizon: Int64? = nil, newestAccepted: Int64? = nil, partitions count: Int) {
        partitions = Array(
            repeating: ItineraryEngine(rules: rules, horizon: horizon, newestAccepted: newestAccepted),
            count: max(1, count))
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
    /// Every phone held, in no particular order.
    var keys: [Key] { partitions.flatMap(\.tracks.keys) }

    /// The partition that owns `key`.
    func partition(of key: Key) -> Int {
        Self.partition(of: key, among: partitions.count)
    }

    /// The partition that owns `key` in an engine of `count` partitions.
    static func partition(of key: Key, among count: Int) -> Int {
        Int((key.spread >> 32) % UInt64(count))
    }

    func track(for key: Key) -> PhoneTrack? {
        partitions[partition(of: key)].tracks[key]
    }

    func card(for key: Key, at time: Int64, closeContact: Bool = false) -> Card {
        partitions[partition(of: key)].card(for: key, at: time, closeContact: closeContact)
    }

    /// Puts back one phone's state, as restored from a store.
    mutating func restore(_ track: PhoneTrack, for key: Key) {
        partitions[partition(of: key)].restore(track, for: key)
    }

    /// Starts a file: fixes its watermark in every partition.
    mutating func beginFile() {
        for index in partitions.indices { partitions[index].beginFile() }
        newestInFile = nil
    }

    /// Notes a record of the file in hand that is not late: its time can move the watermark.
    mutating func noteNotLate(_ time: Int64) {
        newestInFile = max(newestInFile ?? time, time)
    }

    /// Applies one observation of the file in hand (one at a time, on the caller's thread).
    mutating func add(_ observation: Observation, for key: Key) -> AddOutcome {
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
