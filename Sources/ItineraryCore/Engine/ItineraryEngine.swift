/// The incremental rules engine: observations in, per-phone visits and cards out.
///
/// Files are applied one at a time (`beginFile` … `add` … `endFile`). The watermark in force for
/// a file is the newest event time accepted from earlier files minus the lateness `L`; older
/// records are late. Everything older than the watermark is final, so it is folded into visits
/// and only the recent tail is kept raw. The result equals building visits from all
/// observations at once, whatever the file boundaries, order and duplicates within `L`.
///
/// Generic over the phone key: the offline command keys by `Phone`, the store by its HMAC.
/// A file that cannot be committed leaves the engine ahead of the store: the store's driver then
/// rebuilds the engine from what did commit (keeping an undo journal here cost an allocation per
/// record, for a failure that is rare).
public struct ItineraryEngine<Key: Hashable & Sendable>: Sendable {
    public var rules: CardRules
    /// Observations after this time are counted but not kept: a card at `horizon` ignores them.
    public let horizon: Int64?
    @usableFromInline var trackStore: [Key: PhoneTrack] = [:]
    @usableFromInline var newestInFileStore: Int64?
    @usableFromInline var fileWatermarkStore: Int64 = .min
    /// Newest event time accepted from finished files.
    public private(set) var newestAccepted: Int64?

    public init(rules: CardRules, horizon: Int64? = nil, newestAccepted: Int64? = nil) {
        self.rules = rules
        self.horizon = horizon
        self.newestAccepted = newestAccepted
    }

    /// Every phone's state: each phone with an accepted observation, until retention forgets it.
    public var tracks: [Key: PhoneTrack] { trackStore }

    /// The watermark the next file will start with.
    public var watermark: Int64 {
        newestAccepted.map { $0 - rules.configuration.lateness } ?? .min
    }

    /// Newest event time accepted from the file in hand so far.
    public var newestInFile: Int64? { newestInFileStore }

    /// The watermark in force for the file in hand.
    public var fileWatermark: Int64 { fileWatermarkStore }

    /// Starts applying a file: fixes the watermark for its records.
    public mutating func beginFile() {
        fileWatermarkStore = watermark
        newestInFileStore = nil
    }

    /// Applies one observation of the file in hand.
    @inlinable
    public mutating func add(_ observation: Observation, for key: Key) -> AddOutcome {
        let time = observation.time
        if time < fileWatermarkStore { return .late }
        newestInFileStore = max(newestInFileStore ?? time, time)
        return add(observation, for: key, sealingBefore: fileWatermarkStore)
    }

    /// Applies one observation, not late, of a file whose watermark was `boundary` (the file in
    /// hand, or an earlier one whose records were held back): a phone's observations must come
    /// in file order, and a file's watermark is never older than an earlier file's. Moves no
    /// watermark.
    @inlinable
    public mutating func add(_ observation: Observation, for key: Key, sealingBefore boundary: Int64) -> AddOutcome {
        if let horizon, observation.time > horizon {
            // Counted, and the phone has a card, but nothing after the horizon shapes it.
            if trackStore.index(forKey: key) == nil { trackStore[key] = PhoneTrack() }
            return .accepted
        }
        let rules = rules
        return trackStore[key, default: PhoneTrack()].add(observation, sealingBefore: boundary, rules: rules)
    }

    /// Finishes the file in hand: its newest time now moves the watermark.
    /// - Parameter carried: a newest time of the same file seen elsewhere, which moves the
    ///   watermark as it moved a single engine's: the newest accepted time across every partition
    ///   of an engine split by phone, or the newest valid event time of the whole file a shard's
    ///   part was split from (docs/feed-format.md).
    public mutating func endFile(carrying carried: Int64? = nil) {
        for newest in [newestInFileStore, carried].compactMap({ $0 }) {
            newestAccepted = max(newestAccepted ?? newest, newest)
        }
        newestInFileStore = nil
    }

    /// Puts back one phone's state, as restored from a store.
    public mutating func restore(_ track: PhoneTrack, for key: Key) {
        trackStore[key] = track
    }

    /// The card of one phone at `time` (no later than `horizon`, if one is set).
    public func card(for key: Key, at time: Int64, closeContact: Bool = false) -> Card {
        let visits = trackStore[key]?.visits(through: time, rules: rules) ?? []
        return rules.card(visits: visits, at: time, closeContact: closeContact)
    }

    /// Seals every phone up to the current watermark and forgets what retention no longer needs
    /// (docs/rules.md): visits that ended before `now - (W + L + 1 day)`, and phones silent since then.
    /// Returns the phones forgotten, for a store to delete.
    @discardableResult
    public mutating func compact(now: Int64) -> [Key] {
        let boundary = watermark
        let cutoff = now - rules.configuration.retention
        let rules = rules
        var forgotten: [Key] = []
        for key in Array(trackStore.keys) {
            let stale = trackStore[key]!.compact(sealingBefore: boundary, expiringBefore: cutoff, rules: rules)
            if stale {
                trackStore[key] = nil
                forgotten.append(key)
            }
        }
        return forgotten
    }
}

extension PhoneTrack {
    @usableFromInline
    mutating func add(_ observation: Observation, sealingBefore boundary: Int64, rules: CardRules) -> AddOutcome {
        seal(before: boundary, rules: rules)
        return insert(observation) ? .accepted : .duplicate
    }

    /// Seals and expires; `true` when the whole phone is older than `cutoff` and can go.
    mutating func compact(sealingBefore boundary: Int64, expiringBefore cutoff: Int64, rules: CardRules) -> Bool {
        seal(before: boundary, rules: rules)
        expire(before: cutoff)
        return (newestTime ?? .min) < cutoff
    }
}
