/// A finished visit as engine state keeps it: 12 bytes instead of `Visit`'s 24, since a phone
/// holds a window's worth of them (times fit 32 bits, as observations' do).
struct PackedVisit: Hashable, Sendable {
    let place: UInt32
    let first: UInt32
    let last: UInt32

    init(_ visit: Visit) {
        place = visit.place.rawValue
        first = UInt32(truncatingIfNeeded: visit.first)
        last = UInt32(truncatingIfNeeded: visit.last)
    }

    var visit: Visit {
        Visit(place: PlaceCode(rawValue: place), first: Int64(first), last: Int64(last))
    }
}
