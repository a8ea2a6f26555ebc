/// Builds visits incrementally from one phone's observations fed in the rules' order (docs/rules.md).
///
/// It holds only the chains that can still grow: the place of the latest observation, and
/// places whose last observation is within the bridge `B` of it. A chain that can no longer
/// grow is handed to `emit` as a finished visit, so the state stays a handful of entries
/// however long the phone is observed.
public struct VisitChainer: Sendable {
    /// Chains still open, one per place (rarely more than two or three).
    public private(set) var open: [Visit] = []
    /// The latest observation fed, to drop exact duplicates and to know what lies between.
    public private(set) var latest: Observation?

    public init() {}

    /// Restores a chainer from its persisted open chains and latest observation.
    public init(open: [Visit], latest: Observation?) {
        self.open = open
        self.latest = latest
    }

    /// Feeds the next observation; observations must come in non-decreasing (time, code) order.
    public mutating func add(_ observation: Observation, bridge: Int64, emit: (Visit) -> Void) {
        if let latest, observation <= latest {
            precondition(observation == latest, "observations must be fed in order")
            return
        }
        let time = observation.time
        let place = observation.place
        let previousPlace = latest?.place
        latest = observation
        var index = 0
        var extended = false
        while index < open.count {
            let chain = open[index]
            if chain.place == place {
                // Linked when nothing of another place lies between, or within the bridge.
                if previousPlace == place || time - chain.last <= bridge {
                    open[index].last = time
                } else {
                    emit(chain)
                    open[index] = Visit(place: place, first: time, last: time)
                }
                extended = true
                index += 1
            } else if time - chain.last > bridge {
                // This observation now lies between, and any later one is beyond the bridge.
                emit(chain)
                open.remove(at: index)
            } else {
                index += 1
            }
        }
        if !extended {
            open.append(Visit(place: place, first: time, last: time))
        }
    }

    /// Emits every open chain as a visit, as if no further observation will come.
    public func finish(emit: (Visit) -> Void) {
        for chain in open { emit(chain) }
    }
}

extension VisitChainer {
    /// The visits of a complete set of observations, in any order, with duplicates.
    public static func visits<S: Sequence>(of observations: S, bridge: Int64) -> [Visit]
    where S.Element == Observation {
        var chainer = VisitChainer()
        var visits: [Visit] = []
        for observation in observations.sorted() {
            chainer.add(observation, bridge: bridge) { visits.append($0) }
        }
        chainer.finish { visits.append($0) }
        return visits.sorted()
    }
}
