import ItineraryCore

/// Where the service gets cards from; the pipeline's store plugs in here.
public protocol CardSource: Sendable {
    /// The card of a phone at time `at`, or `nil` when the source holds nothing for the phone
    /// (never seen, or past retention): the service then shows a gray "no data" card, never a
    /// green one. The service asks only for times at or before ``dataWatermark()``.
    /// - Parameter key: HMAC-SHA-256 of the normalised number (`ItineraryStore.PhoneKeyer`).
    func card(forPhoneKey key: PhoneKey, phone: Phone, at: Int64) async throws -> Card?

    /// The newest event time the data reflects (the pipeline's watermark), `nil` if no data yet.
    func dataWatermark() async throws -> Int64?

    /// A version that changes whenever a card from this source can change other than by time
    /// passing (new data committed, a new risk or contact list), so a presented card can be
    /// shown again while it stays the same. `nil` (the default): cards are computed afresh for
    /// every request.
    func version() async throws -> CardSourceVersion?
}

extension CardSource {
    public func version() async throws -> CardSourceVersion? { nil }
}
