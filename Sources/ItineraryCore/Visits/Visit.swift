/// A stay at one place: a maximal chain of that place's observations (docs/rules.md).
public struct Visit: Hashable, Sendable, CustomStringConvertible {
    public var place: PlaceCode
    /// Time of the first observation of the chain.
    public var first: Int64
    /// Time of the last observation of the chain.
    public var last: Int64

    public init(place: PlaceCode, first: Int64, last: Int64) {
        self.place = place
        self.first = first
        self.last = last
    }

    public var dwell: Int64 { last - first }

    public var description: String { "\(place)[\(first)...\(last)]" }
}

extension Visit: Comparable {
    /// Orders by start, then place, then end: the order cards and stores list visits in.
    public static func < (lhs: Visit, rhs: Visit) -> Bool {
        (lhs.first, lhs.place, lhs.last) < (rhs.first, rhs.place, rhs.last)
    }
}
