import ItineraryCore
import ItineraryFeed

/// Applies one checked feed file to an engine, the same way for the offline command and the
/// store: valid records go to the engine under their phone's key, everything else becomes a
/// reject with its reason. Files must be applied one at a time, in delivery order.
struct FeedApplier: Sendable {
    let reader: FeedReader

    /// Applies `file` to `engine` (its watermark fixed at the start), calling `reject` for each
    /// line not applied.
    /// The caller finishes with `engine.endFile(carrying: file.splitStamp?.newestEvent)` once the
    /// file's effects are committed.
    /// - Throws: `FeedError.changedWhileReading` when a file read as a stream changed on disk
    ///   after its check: part of it has reached the engine, which the caller must then rebuild.
    func apply<Key>(
        _ file: FeedFile,
        to engine: inout ItineraryEngine<Key>,
        now: Int64,
        key: (Phone) -> Key,
        reject: (FeedReject) -> Void
    ) throws -> FileOutcomeCounts {
        var counts = FileOutcomeCounts()
        engine.beginFile()
        let summary = try reader.read(file, now: now) { item in
            switch item {
            case let .record(phone, observation, line, raw):
                switch engine.add(observation, for: key(phone)) {
                case .accepted: counts.accepted += 1
                case .duplicate: counts.duplicates += 1
                case .late:
                    counts.late += 1
                    reject(FeedReject(file: file.name.description, line: line, reason: .late, raw: raw.text))
                }
            case let .rejected(rejected):
                reject(rejected)
            }
        }
        counts.records = summary.records
        counts.rejected = summary.rejected
        return counts
    }
}
