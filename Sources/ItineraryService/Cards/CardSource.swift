import ItineraryCore

/// Where the service gets cards from; the pipeline's store plugs in here.
public protocol CardSource: Sendable {
    /// The card of a phone at time `at`, or `nil` when the phone has no records (the service then
    /// shows an empty green card, so answers do not reveal whether a number is known).
    /// - Parameter key: HMAC-SHA-256 of the normalised number (`ItineraryStore.PhoneKeyer`).
    func card(forPhoneKey key: PhoneKey, phone: Phone, at: Int64) async throws -> Card?

    /// The newest event time the data reflects (the pipeline's watermark), `nil` if no data yet.
    func dataWatermark() async throws -> Int64?
}
