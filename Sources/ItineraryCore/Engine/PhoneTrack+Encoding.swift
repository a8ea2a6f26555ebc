extension PhoneTrack {
    private static let formatVersion: UInt8 = 1

    /// A compact binary form for the store: finished visits, open chains, latest observation and
    /// the raw tail, little-endian, times as 32-bit seconds (as observations hold them).
    public var encoded: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 + 8 + 12 * (visits.count + chainer.open.count) + 8 + 4 + 8 * tail.count)
        bytes.append(Self.formatVersion)
        func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        func append(_ visit: Visit) {
            append(visit.place.rawValue)
            append(UInt32(truncatingIfNeeded: visit.first))
            append(UInt32(truncatingIfNeeded: visit.last))
        }
        append(UInt32(visits.count))
        visits.forEach(append)
        append(UInt32(chainer.open.count))
        chainer.open.forEach(append)
        append(chainer.latest?.packed ?? 0)
        append(UInt32(tail.count))
        for observation in tail { append(observation.packed) }
        return bytes
    }

    /// Decodes `encoded`; `nil` if the bytes are not a track of this format.
    public init?(encoded bytes: some Collection<UInt8>) {
        var reader = ByteReader(bytes: Array(bytes))
        guard reader.read(UInt8.self) == Self.formatVersion else { return nil }
        func readVisits() -> [Visit]? {
            guard let count = reader.read(UInt32.self), Int(count) * 12 <= reader.remaining else { return nil }
            var visits: [Visit] = []
            visits.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let place = reader.read(UInt32.self), let first = reader.read(UInt32.self),
                    let last = reader.read(UInt32.self)
                else { return nil }
                visits.append(Visit(place: PlaceCode(rawValue: place), first: Int64(first), last: Int64(last)))
            }
            return visits
        }
        guard let visits = readVisits(), let open = readVisits(), let latest = reader.read(UInt64.self),
            let tailCount = reader.read(UInt32.self), Int(tailCount) * 8 == reader.remaining
        else { return nil }
        var tail: [Observation] = []
        tail.reserveCapacity(Int(tailCount))
        for _ in 0..<tailCount { tail.append(Observation(packed: reader.read(UInt64.self)!)) }
        self.init(
            visits: visits,
            chainer: VisitChainer(open: open, latest: latest == 0 ? nil : Observation(packed: latest)),
            tail: tail
        )
    }
}

/// Reads little-endian integers from a byte array, refusing to run past its end.
private struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    var remaining: Int { bytes.count - offset }

    mutating func read<T: FixedWidthInteger>(_: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { return nil }
        var value: T = 0
        for index in 0..<size { value |= T(bytes[offset + index]) << (8 * index) }
        offset += size
        return value
    }
}
