/// A phone's itinerary card at a time `T` (SPEC §3.3).
public struct Card: Hashable, Sendable {
    public var phone: Phone
    /// The time `T` the card was evaluated at.
    public var at: Int64
    public var color: CardColor
    /// Listed places, ordered by first seen, then code.
    public var places: [CardPlace]

    public init(phone: Phone, at: Int64, color: CardColor, places: [CardPlace]) {
        self.phone = phone
        self.at = at
        self.color = color
        self.places = places
    }
}
