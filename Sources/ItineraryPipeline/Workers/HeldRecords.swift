import ItineraryCore

/// One partition's records held back from the engine, applied together a group of phones at a
/// time: a group's state stays in the CPU's cache while its records go in, where applying them
/// in file order costs a memory miss or more per record.
struct HeldRecords<Key: PartitionKey>: Sendable {
    /// A record not late, with its file's place among the engine's files.
    struct Record: Sendable {
        let key: Key
        let observation: Observation
        let file: Int32
    }

    /// Records held, in file order.
    var records: [Record] = []
    /// Room to regroup them, kept from one settle to the next.
    private var regrouped: [Record] = []

    /// Applies every record, in file order within each phone, each sealing at its file's
    /// watermark; empties `records` and returns the outcomes by file.
    mutating func apply(to engine: inout ItineraryEngine<Key>, watermarks: [Int64]) -> [AppliedCounts] {
        var counts = [AppliedCounts](repeating: AppliedCounts(), count: watermarks.count)
        // About 64 phones a group: their state fits in a core's cache.
        let phones = max(engine.tracks.count, records.count / 16)
        let target = min(1 << 16, max(1, phones / 64))
        let groups = 1 << (Int.bitWidth - (target - 1).leadingZeroBitCount)  // a power of two
        let ordered = groups == 1 ? records[...] : regroup(into: groups)
        for record in ordered {
            let file = Int(record.file)
            switch engine.add(record.observation, for: record.key, sealingBefore: watermarks[file]) {
            case .accepted: counts[file].accepted += 1
            case .duplicate: counts[file].duplicates += 1
            case .late: preconditionFailure("held records are not late")
            }
        }
        records.removeAll(keepingCapacity: true)
        return counts
    }

    /// The records sorted stably by group of phones (a counting sort), in `regrouped`'s storage.
    private mutating func regroup(into groups: Int) -> ArraySlice<Record> {
        let mask = groups - 1
        func group(_ record: Record) -> Int { Int(truncatingIfNeeded: record.key.spread >> 16) & mask }
        var starts = [Int](repeating: 0, count: groups + 1)
        for record in records { starts[group(record) + 1] += 1 }
        for index in 1...groups { starts[index] += starts[index - 1] }
        if regrouped.count < records.count { regrouped = records }
        let records = records
        regrouped.withUnsafeMutableBufferPointer { regrouped in
            for record in records {
                let group = group(record)
                regrouped[starts[group]] = record
                starts[group] += 1
            }
        }
        return regrouped[0..<records.count]
    }
}
