import Foundation
import ItineraryFeed

/// Feed files checked in order (decompressed, hashed, header read: see `FeedFile`), optionally
/// ahead on a thread of its own, so that checks overlap the parse of the file in hand. The
/// thread runs up to `aheadFiles` files ahead while the files waiting hold less than
/// `aheadBytes` decompressed, so small files smooth out and big ones are never two deep.
final class CheckedFeedFiles {
    typealias Checked = (url: URL, file: Result<FeedFile, FeedError>)

    /// Files checked ahead at most.
    static let aheadFiles = 8
    /// Decompressed bytes waiting, past which the thread checks no further ahead.
    static let aheadBytes = 16 << 20

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

    /// The files checked and not yet taken, between the checking thread and the consumer.
    private final class HandOver: @unchecked Sendable {
        private let condition = NSCondition()
        // Guarded by `condition`.
        private var ready: [Checked] = []
        private var readyBytes = 0
        private var cancelled = false

        func checkAll(_ urls: [URL], limits: FeedLimits) {
            for url in urls {
                condition.lock()
                while !ready.isEmpty && (ready.count >= aheadFiles || readyBytes >= aheadBytes) && !cancelled {
                    condition.wait()
                }
                let stop = cancelled
                condition.unlock()
                if stop { return }
                let checked = (url, CheckedFeedFiles.check(url, limits: limits))
                condition.lock()
                ready.append(checked)
                readyBytes += Self.bytes(checked)
                condition.broadcast()
                condition.unlock()
            }
        }

        func take() -> Checked {
            condition.lock()
            defer { condition.unlock() }
            while ready.isEmpty { condition.wait() }
            let checked = ready.removeFirst()
            readyBytes -= Self.bytes(checked)
            condition.broadcast()
            return checked
        }

        private static func bytes(_ checked: Checked) -> Int {
            (try? checked.file.get().decompressedBytes) ?? 0
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
