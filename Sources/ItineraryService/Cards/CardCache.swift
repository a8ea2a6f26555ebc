import ItineraryCore
import Synchronization

/// Presented cards (with their attestation and rendered body), per phone, shown again while
/// nothing they depend on can have changed: the card source reports the same version (no new
/// data, risk list or contact list) and the card is younger than `maxAge` on the service clock
/// (the window slides, the attestation ages). The source's version is asked at most once per
/// `checkInterval`; a failure to ask it, or any other database failure (``removeAll()``),
/// empties the cache, so no card is served from memory while the store cannot answer.
final class CardCache: Sendable {
    private struct State {
        var version: CardSourceVersion?
        var checked: ContinuousClock.Instant?
        var cards: [PhoneKey: (version: CardSourceVersion, card: PresentedCard)] = [:]
    }

    private let state = Mutex(State())
    private let maxAge: Int64
    private let checkInterval: Duration
    private let capacity: Int

    init(maxAge: Int64, checkInterval: Duration, capacity: Int = 100_000) {
        self.maxAge = maxAge
        self.checkInterval = checkInterval
        self.capacity = capacity
    }

    /// The source's version now (as of at most `checkInterval` ago); `nil` if it has none.
    func version(of source: any CardSource) async throws -> CardSourceVersion? {
        let now = ContinuousClock.now
        let remembered: CardSourceVersion?? = state.withLock { state in
            guard let checked = state.checked, now - checked < checkInterval else { return nil }
            return .some(state.version)
        }
        if let remembered { return remembered }
        do {
            let version = try await source.version()
            state.withLock { state in
                if version != state.version { state.cards.removeAll() }
                state.version = version
                state.checked = now
            }
            return version
        } catch {
            removeAll()
            throw error
        }
    }

    /// The card of `key` presented under `version`, if it is younger than `maxAge` at `now`.
    func card(for key: PhoneKey, version: CardSourceVersion, now: Int64) -> PresentedCard? {
        state.withLock { state in
            guard let cached = state.cards[key], cached.version == version else { return nil }
            let age = now - cached.card.presentation.generatedAt
            return (0..<maxAge).contains(age) ? cached.card : nil
        }
    }

    func insert(_ card: PresentedCard, for key: PhoneKey, version: CardSourceVersion) {
        state.withLock { state in
            // Versions move on and cards age out, so a full cache is simply started afresh.
            if state.cards.count >= capacity { state.cards.removeAll() }
            state.cards[key] = (version, card)
        }
    }

    /// Forgets every card and the source's version.
    func removeAll() {
        state.withLock { state in
            state.cards.removeAll()
            state.version = nil
            state.checked = nil
        }
    }
}
