/// One phone's bounded state in the incremental engine.
///
/// Observations at or after the sealed boundary wait, sorted, in `tail`, since a record up to
/// the lateness `L` behind can still land between them. Older ones have been folded through the
/// `chainer` into finished `visits`, of which only listable ones are kept (docs/rules.md).
public struct PhoneTrack: Sendable {
    /// Finished listable visits, in the order they finished.
    private var finished: [PackedVisit]
    /// Chains still open over the sealed observations.
    public private(set) var chainer: VisitChainer
    /// Unsealed observations, sorted and distinct.
    public private(set) var tail: [Observation]

    public init(visits: [Visit] = [], chainer: VisitChainer = VisitChainer(), tail: [Observation] = []) {
        finished = visits.map(PackedVisit.init)
        self.chainer = chainer
        self.tail = tail
    }

    /// Adds an observation to the tail; `false` if it is already there.
    public mutating func insert(_ observation: Observation) -> Bool {
        guard let last = tail.last, observation <= last else {
            tail.append(observation)
            return true
        }
        var low = 0
        var high = tail.count
        while low < high {
            let middle = (low + high) / 2
            if tail[middle] < observation { low = middle + 1 } else { high = middle }
        }
        if tail[low] == observation { return false }
        tail.insert(observation, at: low)
        return true
    }

    /// Folds tail observations older than `boundary` into visits; none older may arrive again.
    public mutating func seal(before boundary: Int64, rules: CardRules) {
        guard let first = tail.first, first.time < boundary else { return }
        var count = 0
        let bridge = rules.configuration.bridge
        while count < tail.count, tail[count].time < boundary {
            chainer.add(tail[count], bridge: bridge) { visit in
                if rules.isListable(visit) { finished.append(PackedVisit(visit)) }
            }
            count += 1
        }
        tail.removeFirst(count)
    }

    /// Finished listable visits, in the order they finished.
    public var visits: [Visit] { finished.map(\.visit) }

    /// Drops finished visits whose last observation is before `cutoff`; open chains stay.
    public mutating func expire(before cutoff: Int64) {
        finished.removeAll { Int64($0.last) < cutoff }
    }

    /// The newest observation folded into visits: a card at an earlier time cannot be rebuilt
    /// from this state, since what came after that time is already part of its visits.
    public var sealedThrough: Int64? { chainer.latest?.time }

    /// Newest observation time held, sealed or not.
    public var newestTime: Int64? { tail.last?.time ?? chainer.latest?.time }

    /// All listable visits built from the observations at or before `time`, as if no more will come.
    ///
    /// Exact when nothing after `time` has been sealed yet (the engine's horizon ensures this).
    public func visits(through time: Int64, rules: CardRules) -> [Visit] {
        var result = visits
        var chainer = chainer
        let bridge = rules.configuration.bridge
        let emit = { (visit: Visit) in if rules.isListable(visit) { result.append(visit) } }
        for observation in tail {
            guard observation.time <= time else { break }
            chainer.add(observation, bridge: bridge, emit: emit)
        }
        chainer.finish(emit: emit)
        return result
    }
}
