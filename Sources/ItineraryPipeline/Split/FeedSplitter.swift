import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryStore

/// The stateless split step of a sharded deployment (README, Sharding): fans each feed file out
/// into one file of the same name per shard, `<out>/<shard>/<name>`, so each shard's pipeline
/// applies exactly its own phones' records.
///
/// A valid record, and a reject a later reference load can replay, goes to the shard of its
/// phone's key (`PhoneShards`); any other reject goes to shard 0, so each line is kept exactly
/// once. The header goes to every part, and every shard gets a part even with no records, with
/// a `SplitStamp` carrying the whole file's newest valid event time: each shard's watermark
/// then moves as a single node's would, so lateness decisions do not depend on the split.
/// "Valid" is the reader's: well formed, a known cell or MCC, not over an hour after the time in
/// the file's name (`after_file_time`: the name travels with each part, so every shard decides
/// it as the split did) and not over ten minutes ahead of the split's clock. A file refused whole
/// is copied unchanged to shard 0, which refuses it and records why; a file that changes while
/// it is read (still being written) gives no part at all.
///
/// The output depends only on the input bytes, the shard count, the cells and the clock, so
/// splitting a file again (after a crash) gives identical parts, which shards ingest once.
public final class FeedSplitter {
    let reader: FeedReader
    let keyer: PhoneKeyer
    public let shards: PhoneShards
    let limits: FeedLimits
    /// One compression context for every part: one per part cost more than small parts' frames.
    let compressor: ZstdCompressor.Context
    /// Phone → shard, so a phone's key is computed once rather than per record.
    private var shardOf: [Phone: Int] = [:]
    /// The phone routed last, with its shard.
    private var last: (phone: Phone, shard: Int)?
    /// Phones remembered before the cache starts over: about 40 MB.
    static let cacheLimit = 1 << 20
    /// CSV a part gathers before compressing it as a frame: 1 MiB, less with many shards, so
    /// the parts together hold at most about 64 MiB.
    var frameBytes: Int { min(1 << 20, max(64 << 10, (64 << 20) / shards.count)) }

    /// - Parameter level: the zstd level the parts are written with.
    public init(
        reader: FeedReader, keyer: PhoneKeyer, shards: PhoneShards, limits: FeedLimits = .standard, level: Int = 1
    ) {
        self.reader = reader
        self.keyer = keyer
        self.shards = shards
        self.limits = limits
        compressor = ZstdCompressor.Context(level: level)
    }

    /// What became of one file.
    public enum Outcome: Sendable {
        /// Split: records per shard and the newest valid event time carried.
        case split(records: [Int], newestEvent: Int64?)
        /// Refused whole, with the reason; copied unchanged to shard 0.
        case refused(reason: String)
        /// Changed while it was read: nothing written, to be split again once it is whole.
        case changed(reason: String)
    }

    /// The directory of shard `index`'s parts under `out`.
    public static func directory(of index: Int, in out: URL) -> URL {
        out.appendingPathComponent(String(index), isDirectory: true)
    }

    /// Splits the file at `url` into `out/<shard>/`; `now` is the clock of the future check.
    public func split(_ url: URL, into out: URL, now: Int64) throws -> Outcome {
        let directories = (0..<shards.count).map { Self.directory(of: $0, in: out) }
        for directory in directories {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        let name = url.lastPathComponent
        let file: FeedFile
        do {
            file = try FeedFile(contentsOf: url, limits: limits)
        } catch .changedWhileReading {
            return .changed(reason: FeedError.changedWhileReading.description)
        } catch {
            try copyRefused(url, into: directories[0])
            return .refused(reason: error.description)
        }
        let parts = try directories.map {
            try SplitPart(
                directory: $0, name: name, header: file.headerLine, compressor: compressor, frameBytes: frameBytes)
        }
        var newest: Int64?
        do {
            try route(file, now: now, into: parts, newest: &newest)
        } catch FeedError.changedWhileReading {
            return .changed(reason: FeedError.changedWhileReading.description)
        }
        // The last look before the parts appear: a file changed since its check is still being written.
        guard file.isUnchangedOnDisk else { return .changed(reason: FeedError.changedWhileReading.description) }
        let stamp = SplitStamp(newestEvent: newest, sourceHash: file.contentHash)
        for part in parts { try part.commit(stamp: stamp) }
        return .split(records: parts.map(\.records), newestEvent: newest)
    }

    /// Sends each line of `file` to its part, noting the newest valid event time.
    private func route(_ file: FeedFile, now: Int64, into parts: [SplitPart], newest: inout Int64?) throws {
        _ = try reader.readLines(file, now: now) { item, line in
            switch item {
            case let .record(phone, observation, _, _):
                newest = max(newest ?? observation.time, observation.time)
                try parts[shard(of: phone)].append(line)
            case let .rejected(reject):
                let part = parts[reject.replayable.map { shard(of: $0.phone) } ?? 0]
                if reject.reason == .lineTooLong {
                    try part.appendTooLong(line, limit: limits.maxLineBytes)
                } else {
                    try part.append(line)
                }
            }
        }
    }

    private func shard(of phone: Phone) -> Int {
        // A file's lines come grouped by phone more often than not.
        if let last, last.phone == phone { return last.shard }
        let shard: Int
        if let known = shardOf[phone] {
            shard = known
        } else {
            if shardOf.count >= Self.cacheLimit { shardOf.removeAll(keepingCapacity: true) }
            shard = shards.shard(of: keyer.key(for: phone))
            shardOf[phone] = shard
        }
        last = (phone, shard)
        return shard
    }

    /// Puts a refused file, unchanged, where shard 0 will refuse it and record why.
    private func copyRefused(_ url: URL, into directory: URL) throws {
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).split")
        try? FileManager.default.removeItem(at: temporary)
        try FileManager.default.copyItem(at: url, to: temporary)
        guard rename(temporary.path, directory.appendingPathComponent(url.lastPathComponent).path) == 0 else {
            throw SplitError.io(directory.appendingPathComponent(url.lastPathComponent).path, errno)
        }
    }
}
