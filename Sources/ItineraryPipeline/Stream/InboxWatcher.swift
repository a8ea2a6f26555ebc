import Foundation
import ItineraryFeed

/// The drop directory of the streaming pipeline (docs/feed-format.md): which files are ready, in what order.
///
/// Only whole files are ready. Carriers should deliver by atomic rename, but some write in
/// place, so a file is ready only once it has stood unchanged for the settle time
/// (`FileSettling`); names that are not deliveries (`InboxNames`: dot-files, `_` names,
/// temporary suffixes such as `.tmp` or `.part`, `.done` markers) are never read, nor are
/// subdirectories (`processed/`, `failed/`) or anything else that is not a regular file. With
/// `requireDoneMarker`, a file is ready only once its marker `NAME.done` stands beside it as
/// well. Any other regular file is ready, including one with a bad name: the pipeline refuses
/// it into `failed/`. (Just before it commits a file, the pipeline checks it once more: see
/// `FeedFile.isUnchangedOnDisk`.)
///
/// Each listing returns at most `batchLimit` files, the first in delivery order
/// (`FeedFileList.sorted`), so a burst of thousands of files is taken a bounded batch at a time.
public struct InboxWatcher: Sendable {
    public let inbox: URL
    public let batchLimit: Int
    /// Take a file only once `NAME.done` stands beside it.
    public let requireDoneMarker: Bool
    /// How long a file must stand unchanged, and what was seen of each so far.
    public let settling: FileSettling

    public init(
        inbox: URL, batchLimit: Int = 256, settle: Duration = FileSettling.defaultSettle,
        requireDoneMarker: Bool = false
    ) {
        precondition(batchLimit > 0, "batchLimit must be positive")
        self.inbox = inbox.standardizedFileURL
        self.batchLimit = batchLimit
        self.requireDoneMarker = requireDoneMarker
        settling = FileSettling(settle: settle)
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
        /// Candidates passed over because they have not stood unchanged for the settle time yet
        /// (counted up to the last file examined: all of them when `batch` is empty).
        public var settling: Int = 0
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
        let present = requireDoneMarker ? Set(names) : []
        var listing = Listing(batch: [], waiting: ordered.count)
        listing.batch.reserveCapacity(min(batchLimit, ordered.count))
        var seen = Set<String>()
        let wallNow = Date().timeIntervalSince1970
        let now = ContinuousClock.now
        for name in ordered {
            guard listing.batch.count < batchLimit else { break }
            if requireDoneMarker, !present.contains(InboxNames.marker(of: name)) { continue }
            let url = inbox.appendingPathComponent(name, isDirectory: false)
            guard let identity = Self.regularFileIdentity(url.path) else { continue }
            seen.insert(url.path)
            if settling.hasSettled(url.path, identity: identity, wallNow: wallNow, now: now) {
                listing.batch.append(url)
            } else {
                listing.settling += 1
            }
        }
        if listing.batch.count < batchLimit { settling.forget(allBut: seen) }
        return listing
    }

    /// The names that may be ready files, in delivery order: not the names `InboxNames`
    /// ignores, and not the inbox's own folders. (Pure: whether each is a regular file is
    /// checked by `list`.)
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
        !InboxNames.isIgnored(name) && name != "processed" && name != "failed"
    }

    /// The identity of a regular file (not a link, directory or device); nil otherwise or if gone.
    static func regularFileIdentity(_ path: String) -> FileIdentity? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileIdentity(path: path)
    }

    /// When the file arrived, Unix seconds: its inode change time, which the delivering rename
    /// sets (or its modification time if later). Nil if it is gone.
    public static func arrivalTime(of url: URL) -> Double? {
        FileIdentity(path: url.path)?.lastChange
    }
}
