import Foundation
import ItineraryFeed

/// The drop directory of the streaming pipeline (docs/feed-format.md): which files are ready, in what order.
///
/// Carriers deliver by atomic rename, so a file is ready as soon as its final name appears.
/// Names ending in `.tmp` (still being written) and dot-files are not ready; subdirectories
/// (`processed/`, `failed/`) and anything else that is not a regular file are ignored. Any other
/// regular file is ready, including one with a bad name: the pipeline refuses it into `failed/`.
///
/// Each listing returns at most `batchLimit` files, the first in delivery order
/// (`FeedFileList.sorted`), so a burst of thousands of files is taken a bounded batch at a time.
public struct InboxWatcher: Sendable {
    public let inbox: URL
    public let batchLimit: Int

    public init(inbox: URL, batchLimit: Int = 256) {
        precondition(batchLimit > 0, "batchLimit must be positive")
        self.inbox = inbox.standardizedFileURL
        self.batchLimit = batchLimit
    }

    /// Where committed (and already-ingested) files go.
    public var processed: URL { inbox.appendingPathComponent("processed", isDirectory: true) }
    /// Where refused files go (`IngestPipeline` moves them beside the file).
    public var failed: URL { inbox.appendingPathComponent("failed", isDirectory: true) }

    /// One listing of the inbox.
    public struct Listing: Sendable {
        /// The first ready files, in delivery order, at most `batchLimit`.
        public var batch: [URL]
        /// How many candidate names were waiting in all (the backlog).
        public var waiting: Int
    }

    /// Creates the inbox and its `processed/` and `failed/` folders.
    public func prepare() throws {
        for directory in [inbox, processed, failed] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
    }

    /// Lists the ready files.
    public func list() throws -> Listing {
        let names = try FileManager.default.contentsOfDirectory(atPath: inbox.path)
        let ordered = Self.candidates(names)
        var batch: [URL] = []
        batch.reserveCapacity(min(batchLimit, ordered.count))
        for name in ordered {
            guard batch.count < batchLimit else { break }
            let url = inbox.appendingPathComponent(name, isDirectory: false)
            if Self.isRegularFile(url.path) { batch.append(url) }
        }
        return Listing(batch: batch, waiting: ordered.count)
    }

    /// The names that may be ready files, in delivery order: not dot-files, not `*.tmp`, and not
    /// the inbox's own folders. (Pure: whether each is a regular file is checked by `list`.)
    public static func candidates(_ names: [String]) -> [String] {
        let keyed = names.compactMap { name -> (FeedFileName?, String)? in
            guard isCandidate(name) else { return nil }
            return (FeedFileName(name), name)
        }
        return keyed.sorted { lhs, rhs in
            switch (lhs.0, rhs.0) {
            case let (left?, right?): left < right || (!(right < left) && lhs.1 < rhs.1)
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): lhs.1 < rhs.1
            }
        }.map(\.1)
    }

    /// Whether a name may be a delivered file (see `candidates`).
    public static func isCandidate(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.hasSuffix(".tmp") && name != "processed" && name != "failed"
    }

    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFREG
    }

    /// When the file arrived, Unix seconds: its inode change time, which the delivering rename
    /// sets (or its modification time if later). Nil if it is gone.
    public static func arrivalTime(of url: URL) -> Double? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        let changed = Double(info.st_ctim.tv_sec) + Double(info.st_ctim.tv_nsec) / 1e9
        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        return max(changed, modified)
    }
}
