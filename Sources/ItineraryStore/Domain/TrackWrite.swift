import ItineraryCore

/// One phone's new state as a file leaves it: the engine's track, its visits and its card.
public struct TrackWrite: Sendable {
    public var key: PhoneKey
    /// The number with its middle digits hidden, for display: never the number itself.
    public var masked: String
    public var track: PhoneTrack
    public var visits: [Visit]
    public var card: Card

    public init(key: PhoneKey, masked: String, track: PhoneTrack, visits: [Visit], card: Card) {
        self.key = key
        self.masked = masked
        self.track = track
        self.visits = visits
        self.card = card
    }
}
