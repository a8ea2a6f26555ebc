/// A phone's itinerary card at a time `T` (docs/rules.md).
///
/// It names no phone: the store knows phones only by key, and whoever shows the card knows
/// whose it is (the offline command prints the number, the lookup service a masked one).
public struct Card: Hashable, Sendable {
    /// The time `T` the card was evaluated at.
    public var at: Int64
    public var color: CardColor
    /// Listed places, ordered by first seen, then code.
    public var places: [CardPlace]

    public init(at: Int64, color: CardColor, places: [CardPlace]) {
        self.at = at
        self.color = color
        self.places = places
    }
}
