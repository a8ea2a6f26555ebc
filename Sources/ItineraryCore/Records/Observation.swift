/// One phone's presence at a place at a second: `(t, place)` (the phone is the key it is filed under).
///
/// Packed into one `UInt64` whose integer order is the rules' order: by time, then by place code.
/// Times are Unix seconds in `0...UInt32.max`; the feed reader refuses others.
public struct Observation: Hashable, Comparable, Sendable {
    public let packed: UInt64

    @inlinable
    public init(time: Int64, place: PlaceCode) {
        packed = UInt64(UInt32(truncatingIfNeeded: time)) << 32 | UInt64(place.rawValue)
    }

    @inlinable
    public init(packed: UInt64) { self.packed = packed }

    /// Unix seconds (UTC).
    @inlinable
    public var time: Int64 { Int64(packed >> 32) }

    @inlinable
    public var place: PlaceCode { PlaceCode(rawValue: UInt32(truncatingIfNeeded: packed)) }

    /// The range of event times an observation can hold.
    public static let timeRange: ClosedRange<Int64> = 0...Int64(UInt32.max)

    @inlinable
    public static func < (lhs: Observation, rhs: Observation) -> Bool { lhs.packed < rhs.packed }
}
