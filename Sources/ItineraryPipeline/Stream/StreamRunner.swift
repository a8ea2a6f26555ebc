import CoreMetrics
import Foundation
import ItineraryCore
import ItineraryPostgres
import ItineraryStore
import Logging

/// The streaming pipeline (docs/feed-format.md): a long-running loop that applies every file delivered into
/// a drop directory, one at a time, in delivery order.
///
/// Ready files (see `InboxWatcher`) go to `IngestPipeline.ingest` a few at a time: each is applied
/// exactly once, the few commit together (each with its ledger row), then each file is moved to
/// `processed/`. When files arrive one by one that is a commit per file; in a burst, committing
/// several together spares rewriting each phone once per file. A file
/// whose content is already in the ledger also goes to `processed/`: that is the restart after a
/// crash between commit and move, or a carrier's resend, and either way its content is applied.
/// A refused file ends in `failed/` (the pipeline moves it and records why). Only whole files
/// are taken (see `InboxWatcher`), and one that changes before its commit all the same is rolled
/// back and left in the inbox, to be taken again once it has settled.
///
/// Killing the process at any moment is safe: a file is in the inbox until after its commit, and
/// on restart the ledger says whether it committed. SIGTERM/SIGINT (via `StopSignal`) stop the
/// loop between commits. Memory does not grow with the files processed: the loop keeps only
/// running totals, takes the inbox a bounded batch at a time, and the engine compacts its state.
public final class StreamRunner {
    public struct Options: Sendable {
        /// Apply what is waiting, then return (cron style).
        public var once: Bool
        /// Pause between listings of an empty inbox.
        public var pollInterval: Duration
        /// Longest pause between retries after a store failure.
        public var maximumRetryDelay: Duration
        /// Most files committed together.
        public var filesPerCommit: Int
        /// Tries of one file that fails for a reason other than the database being away before
        /// it is refused into `failed/`, so it cannot hold up the files behind it.
        public var triesBeforeRefusal: Int

        public init(
            once: Bool = false, pollInterval: Duration = .milliseconds(200), maximumRetryDelay: Duration = .seconds(30),
            filesPerCommit: Int = 16,
            triesBeforeRefusal: Int = 5
        ) {
            self.once = once
            self.pollInterval = pollInterval
            self.maximumRetryDelay = maximumRetryDelay
            self.filesPerCommit = max(1, filesPerCommit)
            self.triesBeforeRefusal = max(1, triesBeforeRefusal)
        }
    }

    /// Running totals (constant size).
    public struct Totals: Sendable {
        public var applied = 0
        public var alreadyIngested = 0
        public var refused = 0
        /// Files that changed while they were read: left in the inbox, nothing of them applied.
        public var deferred = 0
        public var counts = FileOutcomeCounts()
        public var storeFailures = 0

        public var summary: String {
            "files \(applied) applied, \(alreadyIngested) already ingested, \(refused) refused, "
                + "\(deferred) deferred (changed while read); \(counts.summary)"
        }
    }

    /// Where a file goes once the pipeline is done with it.
    public enum Disposition: Equatable, Sendable {
        /// Committed, or already in the ledger: to `processed/`.
        case processed
        /// Refused, and the pipeline could not move it: to `failed/`.
        case failed
        /// Nothing to move: refused and moved already, gone, or left in the inbox to settle.
        case none
    }

    /// What the loop does next.
    public enum Step: Equatable, Sendable {
        case stop
        case wait(Duration)
        case work
    }

    public let pipeline: IngestPipeline
    public let watcher: InboxWatcher
    public let options: Options
    public let stop: StopSignal
    let metrics: StreamMetrics
    let logger: Logger
    public private(set) var totals = Totals()
    private var inboxLock: InboxLock?

    /// - Parameter inboxLock: the inbox's lock when the caller took it already (before the
    ///   pipeline's writer lock); otherwise `run` takes it.
    public init(
        pipeline: IngestPipeline, watcher: InboxWatcher, inboxLock: InboxLock? = nil, options: Options = Options(),
        stop: StopSignal = StopSignal(), metrics: StreamMetrics = StreamMetrics(),
        logger: Logger = Logger(label: "itinerary.stream")
    ) {
        self.pipeline = pipeline
        self.watcher = watcher
        self.inboxLock = inboxLock
        self.options = options
        self.stop = stop
        self.metrics = metrics
        self.logger = logger
    }

    // MARK: The decision core (pure)

    /// Where a file goes after `outcome`, given whether it is still in the inbox.
    public static func disposition(of outcome: FileOutcome, stillInInbox: Bool) -> Disposition {
        guard stillInInbox else { return .none }
        switch outcome {
        case .applied, .alreadyIngested: return .processed
        case .refused: return .failed
        case .deferred: return .none
        }
    }

    /// The next step of the loop after a listing; `settling`: files wait for the settle time
    /// (with `once`, they are waited for: they are what is waiting).
    public static func next(
        stopRequested: Bool, once: Bool, batchIsEmpty: Bool, settling: Bool = false, pollInterval: Duration
    ) -> Step {
        if stopRequested { return .stop }
        if !batchIsEmpty { return .work }
        return once && !settling ? .stop : .wait(pollInterval)
    }

    /// What to do after `failures` failures in a row of files taken `chunkSize` at a time.
    public enum FailureAction: Equatable, Sendable {
        /// Pause and try the same files again.
        case retry
        /// Try the files one at a time, to find the one that fails.
        case isolate
        /// Refuse the one file that keeps failing.
        case refuse
    }

    /// The database being away is waited out for ever (every file would fail alike); any other
    /// failure is first isolated to one file, which is refused after `tries` failures.
    public static func action(
        afterFailures failures: Int, databaseAway: Bool, chunkSize: Int, tries: Int
    ) -> FailureAction {
        if databaseAway { return .retry }
        if chunkSize > 1 { return failures >= 2 ? .isolate : .retry }
        return failures >= tries ? .refuse : .retry
    }

    /// The pause after `failures` store failures in a row: 0.5 s doubling, at most `maximum`.
    public static func retryDelay(failures: Int, maximum: Duration) -> Duration {
        Backoff(first: .milliseconds(500), maximum: maximum).delay(afterFailures: failures)
    }

    // MARK: The loop

    /// Runs until stopped (or, with `once`, until the inbox is empty). Throws when the inbox
    /// cannot be listed or a file cannot be moved, and with `once` when the store fails; without
    /// `once` a store failure is logged and the file retried after a pause.
    @discardableResult
    public func run() throws -> Totals {
        try watcher.prepare()
        if inboxLock == nil { inboxLock = try InboxLock(inbox: watcher.inbox) }
        logger.info(
            "streaming",
            metadata: [
                "inbox": "\(watcher.inbox.path)", "once": "\(options.once)", "poll_interval": "\(options.pollInterval)",
                "watermark": "\(pipeline.watermark == .min ? "none" : String(pipeline.watermark))",
                "phones": "\(pipeline.phoneCount)", "settle": "\(watcher.settling.settle)",
                "require_done_marker": "\(watcher.requireDoneMarker)",
            ])
        metrics.state(watermark: pipeline.watermark, newestEvent: pipeline.newestAccepted, phones: pipeline.phoneCount)
        var failures = 0
        var isolating = false
        loop: while true {
            let listing = try watcher.list()
            metrics.waiting.record(listing.waiting)
            switch Self.next(
                stopRequested: stop.isRequested, once: options.once, batchIsEmpty: listing.batch.isEmpty,
                settling: listing.settling > 0, pollInterval: options.pollInterval)
            {
            case .stop: break loop
            case .wait(let pause):
                stop.sleep(for: pause)
                continue loop
            case .work: break
            }
            let size = isolating ? 1 : options.filesPerCommit
            for start in stride(from: 0, to: listing.batch.count, by: size) {
                if stop.isRequested { break loop }
                let chunk = Array(listing.batch[start..<min(start + size, listing.batch.count)])
                do {
                    try process(chunk)
                    failures = 0
                } catch let error as StreamError {
                    throw error
                } catch {
                    failures += 1
                    totals.storeFailures += 1
                    metrics.storeFailures.increment()
                    let databaseAway = (error as? PostgresError)?.isConnectionFailure ?? false
                    switch Self.action(
                        afterFailures: failures, databaseAway: databaseAway, chunkSize: chunk.count,
                        tries: options.triesBeforeRefusal)
                    {
                    case .isolate:
                        logger.warning("files keep failing; trying them one at a time", metadata: ["error": "\(error)"])
                        isolating = true
                        continue loop
                    case .refuse:
                        let reason = "could not be applied after \(failures) tries: \(error)"
                        try finish(
                            chunk[0], try pipeline.refuse(chunk[0], reason: reason),
                            arrival: Date().timeIntervalSince1970, started: ContinuousClock.now)
                        failures = 0
                        isolating = false
                        continue loop
                    case .retry:
                        break
                    }
                    let delay = Self.retryDelay(failures: failures, maximum: options.maximumRetryDelay)
                    logger.error(
                        "store failure; the files stay in the inbox",
                        metadata: [
                            "file": "\(DigitRunMasker.maskedFileName(chunk[0].lastPathComponent))",
                            "files": "\(chunk.count)",
                            "error": "\(DigitRunMasker.masked("\(error)"))",
                            "retry_in": "\(delay)",
                        ])
                    if options.once, databaseAway { throw error }
                    stop.sleep(for: delay)
                    continue loop
                }
            }
            if failures == 0 { isolating = false }
        }
        logger.info("stopped", metadata: ["totals": "\(totals.summary)"])
        return totals
    }

    /// Applies a few files, committed together, and moves each where it belongs.
    func process(_ urls: [URL]) throws {
        var arrivals: [URL: Double] = [:]
        for url in urls { arrivals[url] = InboxWatcher.arrivalTime(of: url) }  // none: gone since the listing
        let started = ContinuousClock.now
        try pipeline.ingest(urls.filter { arrivals[$0] != nil }) { url, outcome in
            try finish(url, outcome, arrival: arrivals[url]!, started: started)
        }
    }

    /// Moves a file the pipeline is done with, and reports it.
    private func finish(_ url: URL, _ outcome: FileOutcome, arrival: Double, started: ContinuousClock.Instant) throws {
        // Lag is wall time (the delivering rename is a file time); the work itself is timed monotonically.
        let lag = Date().timeIntervalSince1970 - arrival
        let stillInInbox = FileManager.default.fileExists(atPath: url.path)
        switch Self.disposition(of: outcome, stillInInbox: stillInInbox) {
        case .processed: try FileMove.move(url, into: watcher.processed)
        case .failed: try FileMove.move(url, into: watcher.failed)
        case .none: break
        }
        metrics.record(outcome, lagSeconds: lag)
        metrics.state(watermark: pipeline.watermark, newestEvent: pipeline.newestAccepted, phones: pipeline.phoneCount)

        // Logs are kept: names masked as the ledger keeps them.
        var metadata: Logger.Metadata = [
            "file": "\(DigitRunMasker.maskedFileName(url.lastPathComponent))",
            "lag": "\(String(format: "%.3f", lag))",
            "seconds": "\(String(format: "%.3f", (ContinuousClock.now - started).inSeconds))",
        ]
        switch outcome {
        case .applied(_, let counts):
            totals.applied += 1
            totals.counts += counts
            metadata["outcome"] = "applied"
            metadata["records"] = "\(counts.records)"
            metadata["accepted"] = "\(counts.accepted)"
            metadata["duplicates"] = "\(counts.duplicates)"
            metadata["late"] = "\(counts.late)"
            metadata["rejected"] = "\(counts.rejectedCount)"
            metadata["watermark"] = "\(pipeline.watermark == .min ? "none" : String(pipeline.watermark))"
            metadata["phones"] = "\(pipeline.phoneCount)"
            logger.info("applied", metadata: metadata)
        case .alreadyIngested:
            totals.alreadyIngested += 1
            metadata["outcome"] = "duplicate"
            logger.info("already ingested", metadata: metadata)
        case .refused(_, let reason, let movedTo):
            totals.refused += 1
            metadata["outcome"] = "refused"
            metadata["reason"] = "\(reason)"
            let path = movedTo ?? watcher.failed.appendingPathComponent(url.lastPathComponent).path
            metadata["moved_to"] = "\(DigitRunMasker.maskedFileName(path))"
            logger.warning("refused", metadata: metadata)
        case .deferred(_, let reason):
            totals.deferred += 1
            metadata["outcome"] = "deferred"
            metadata["reason"] = "\(reason)"
            logger.warning("changed while read; left in the inbox until it settles", metadata: metadata)
        }
    }
}

/// A streaming failure that retrying cannot fix (the inbox cannot be locked, a file cannot be moved).
public struct StreamError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
