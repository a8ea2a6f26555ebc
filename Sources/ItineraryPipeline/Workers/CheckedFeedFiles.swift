import Foundation
import ItineraryFeed

/// Feed files checked in order (decompressed, hashed, header read: see `FeedFile`), optionally
/// one file ahead on a thread of its own, so that the check of the next file overlaps the parse
/// of this one. The next check starts once the previous file is taken, so at most two files are
/// in hand at a time.
final class CheckedFeedFiles {
    typealias Checked = (url: URL, file: Result<FeedFile, FeedError>)

    private let urls: [URL]
    private let limits: FeedLimits
    private let handOver: HandOver?
    private var taken = 0

    /// - Parameter ahead: check on a thread of its own, one file ahead; otherwise each file is
    ///   checked on the caller's thread when it is asked for.
    init(_ urls: [URL], limits: FeedLimits, ahead: Bool) {
        self.urls = urls
        self.limits = limits
        handOver = ahead && urls.count > 1 ? HandOver() : nil
        if let handOver {
            let thread = Thread { handOver.checkAll(urls, limits: limits) }
            thread.name = "itinerary-check"
            thread.start()
        }
    }

    deinit {
        handOver?.cancel()
    }

    /// The next file in order with its check, or nil after the last.
    func next() -> Checked? {
        guard taken < urls.count else { return nil }
        defer { taken += 1 }
        guard let handOver else { return (urls[taken], Self.check(urls[taken], limits: limits)) }
        return handOver.take()
    }

    fileprivate static func check(_ url: URL, limits: FeedLimits) -> Result<FeedFile, FeedError> {
        Result { () throws(FeedError) in try FeedFile(contentsOf: url, limits: limits) }
    }

    /// One slot between the checking thread and the consumer.
    private final class HandOver: @unchecked Sendable {
        private let condition = NSCondition()
        // Guarded by `condition`.
        private var ready: Checked?
        private var cancelled = false

        func checkAll(_ urls: [URL], limits: FeedLimits) {
            for url in urls {
                condition.lock()
                while ready != nil && !cancelled { condition.wait() }
                let stop = cancelled
                condition.unlock()
                if stop { return }
                let checked = (url, CheckedFeedFiles.check(url, limits: limits))
                condition.lock()
                ready = checked
                condition.broadcast()
                condition.unlock()
            }
        }

        func take() -> Checked {
            condition.lock()
            defer { condition.unlock() }
            while ready == nil { condition.wait() }
            defer {
                ready = nil
                condition.broadcast()
            }
            return ready!
        }

        /// Stops the thread before its next check (the consumer stopped early).
        func cancel() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            condition.unlock()
        }
    }
}
