import ItineraryCore

/// One phone's rows as a commit leaves them: its engine state, visits and card at the data time.
public struct TrackWrite: Sendable {
    public var key: PhoneKey
    /// The number with its middle digits hidden, for display: never the number itself.
    public var masked: String
    public var snapshot: PhoneSnapshot

    public init(key: PhoneKey, masked: String, snapshot: PhoneSnapshot) {
        self.key = key
        self.masked = masked
        self.snapshot = snapshot
    }
}
