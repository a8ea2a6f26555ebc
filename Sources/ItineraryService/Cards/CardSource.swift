import ItineraryCore

/// Where the service gets cards from; the pipeline's store plugs in here.
public protocol CardSource: Sendable {
    /// The phone's current card: the card at the source's data time (`Card.at`), or `nil` when
    /// the source holds nothing for the phone (never seen, or past retention): the service then
    /// shows a gray "no data" card, never a green one.
    /// - Parameter key: HMAC-SHA-256 of the normalised number (`ItineraryStore.PhoneKeyer`).
    func card(forPhoneKey key: PhoneKey, phone: Phone) async throws -> Card?

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
