import Foundation
import ItineraryCore
import ItineraryFeed
import Synchronization

/// Which files have stood unchanged for the settle time (docs/feed-format.md, "Only whole
/// files"), as Apache NiFi's `Minimum File Age`: a file written in place is taken only once it
/// has stopped changing.
///
/// A file has settled when the kernel's record says it last changed at least `settle` ago (its
/// change time, which every write sets and no writer can set back), or when this process has
/// seen it with the same identity for at least `settle` (a file whose times run ahead of this
/// clock, from another machine's, still settles).
public final class FileSettling: Sendable {
    /// The default settle time of `stream` and `ingest`.
    public static let defaultSettle: Duration = .seconds(2)

    /// How long a file must stand unchanged; zero takes every file at once.
    public let settle: Duration
    private let sightings = Mutex<[String: Sighting]>([:])

    private struct Sighting {
        var identity: FileIdentity
        var since: ContinuousClock.Instant
    }

    public init(settle: Duration = defaultSettle) {
        self.settle = max(.zero, settle)
    }

    /// The rule: whether a file that last changed at `lastChange` (Unix seconds, by its own
    /// times) and has been seen unchanged for `unchangedFor` has settled at `wallNow`.
    public static func hasSettled(
        lastChange: Double, wallNow: Double, unchangedFor: Duration, settle: Duration
    ) -> Bool {
        settle <= .zero || wallNow - lastChange >= settle.inSeconds || unchangedFor >= settle
    }

    /// Whether the file at `path`, found with `identity`, has settled; notes the sighting.
    public func hasSettled(
        _ path: String, identity: FileIdentity, wallNow: Double = Date().timeIntervalSince1970,
        now: ContinuousClock.Instant = .now
    ) -> Bool {
        guard settle > .zero else { return true }
        let since = sightings.withLock { sightings in
            if let seen = sightings[path], seen.identity == identity { return seen.since }
            sightings[path] = Sighting(identity: identity, since: now)
            return now
        }
        return Self.hasSettled(
            lastChange: identity.lastChange, wallNow: wallNow, unchangedFor: now - since, settle: settle)
    }

    /// Forgets every path but `paths` (files taken or gone), so memory follows the directory.
    public func forget(allBut paths: Set<String>) {
        sightings.withLock { sightings in
            if sightings.keys.contains(where: { !paths.contains($0) }) {
                sightings = sightings.filter { paths.contains($0.key) }
            }
        }
    }

    /// Waits until every file of `urls` has settled (a file that cannot be read is left to the
    /// reader to report), calling `waiting` with the files still changing before each pause.
    public func waitUntilSettled(
        _ urls: [URL], poll: Duration = .milliseconds(100), waiting: ([URL]) -> Void = { _ in }
    ) {
        var pending = urls
        while true {
            pending = pending.filter { url in
                guard let identity = FileIdentity(path: url.path) else { return false }
                return !hasSettled(url.path, identity: identity)
            }
            if pending.isEmpty { return }
            waiting(pending)
            Thread.sleep(forTimeInterval: poll.inSeconds)
        }
    }
}
