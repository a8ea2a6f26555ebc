import Synchronization

/// The partners as the store last listed them, by client id. Re-read at most once per
/// refresh interval when asked (``ServiceConfiguration/partnerRefreshInterval``), as
/// ``AttestationKeyRing`` re-reads key withdrawals: a partner revoked or rotated by
/// `itinerary partners` on any host is refused by every instance within that interval,
/// without a restart and without a database round trip per request.
final class PartnerDirectory: Sendable {
    private let state = Mutex<(partners: [String: Partner], checked: ContinuousClock.Instant?)>(([:], nil))

    /// The partner with `clientID` now (revoked ones included), re-reading the list first when
    /// the last read is older than `refreshInterval` or does not hold it.
    /// - Throws: when the store cannot list them (nobody is let in blindly).
    func partner(
        _ clientID: String, refreshInterval: Duration, read: () async throws -> [Partner]
    ) async throws -> Partner? {
        let now = ContinuousClock.now
        // A partner missing from the list is looked for again at once: it may be new (a token
        // names only a partner the store held when it was issued).
        let cached: Partner? = state.withLock { state in
            guard let checked = state.checked, now - checked < refreshInterval else { return nil }
            return state.partners[clientID]
        }
        if let cached { return cached }
        let partners = Dictionary(try await read().map { ($0.clientID, $0) }, uniquingKeysWith: { first, _ in first })
        state.withLock { $0 = (partners, now) }
        return partners[clientID]
    }
}
