import ItineraryCore
import Synchronization

/// Presented cards (with their attestation and rendered body), per phone, shown again while
/// nothing they depend on can have changed: the card source reports the same version (no new
/// data, risk list or contact list) and the card is younger than `maxAge` on the service clock
/// (the window slides, the attestation ages). The source's version is asked at most once per
/// `checkInterval`; a failure to ask it, or any other database failure (``removeAll()``),
/// empties the cache, so no card is served from memory while the store cannot answer.
final class CardCache: Sendable {
    /// The cards, each with the version it was presented under.
    private let cards = Mutex<[PhoneKey: (version: CardSourceVersion, card: PresentedCard)]>([:])
    /// The source's version as last asked.
    private let version: RecentValue<CardSourceVersion?>
    private let maxAge: Int64
    private let capacity: Int

    init(maxAge: Int64, checkInterval: Duration, capacity: Int = 100_000) {
        self.maxAge = maxAge
        version = RecentValue(lifetime: checkInterval)
        self.capacity = capacity
    }

    /// The source's version now (as of at most `checkInterval` ago); `nil` if it has none.
    func version(of source: any CardSource) async throws -> CardSourceVersion? {
        if let remembered = version.fresh { return remembered }
        do {
            let current = try await source.version()
            // Cards of another version are never served (``card(for:version:now:)``); dropping
            // them here only frees the memory.
            if version.store(current) != current { cards.withLock { $0.removeAll() } }
            return current
        } catch {
            removeAll()
            throw error
        }
    }

    /// The card of `key` presented under `version`, if it is younger than `maxAge` at `now`.
    func card(for key: PhoneKey, version: CardSourceVersion, now: Int64) -> PresentedCard? {
        cards.withLock { cards in
            guard let cached = cards[key], cached.version == version else { return nil }
            let age = now - cached.card.presentation.generatedAt
            return (0..<maxAge).contains(age) ? cached.card : nil
        }
    }

    func insert(_ card: PresentedCard, for key: PhoneKey, version: CardSourceVersion) {
        cards.withLock { cards in
            // Versions move on and cards age out, so a full cache is simply started afresh.
            if cards.count >= capacity { cards.removeAll() }
            cards[key] = (version, card)
        }
    }

    /// Forgets every card and the source's version.
    func removeAll() {
        version.forget()
        cards.withLock { $0.removeAll() }
    }
}
