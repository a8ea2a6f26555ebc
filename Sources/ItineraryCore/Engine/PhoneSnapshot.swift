/// What a store keeps of one phone at the data time `T`: its state and visits less what
/// retention drops, its card at `T`, and when any of that next changes without a new record.
///
/// A store rewrites a phone when `T` reaches `nextChange`, so its stored card is always the
/// card at the data time, and no stored visit outlives retention (docs/rules.md).
public struct PhoneSnapshot: Sendable {
    public var track: PhoneTrack
    /// Every listable visit, finished or still open, ordered by start, then place.
    public var visits: [Visit]
    public var card: Card
    /// The earliest later time the card reads differently (`CardRules.nextChange`, a
    /// close-contact period) or a visit passes retention; `nil` when none ever will.
    public var nextChange: Int64?

    /// - Parameter time: the data time, at or after every observation the track holds.
    public init<Key>(track: PhoneTrack, key: Key, contacts: ContactList<Key>, rules: CardRules, at time: Int64) {
        let retention = rules.configuration.retention
        var track = track
        track.expire(before: time - retention)
        let visits = track.visits(through: time, rules: rules)
        card = rules.card(visits: visits, at: time, closeContact: contacts.isContact(key, at: time))
        self.visits = visits.filter { $0.last >= time - retention }.sorted()
        self.track = track
        nextChange = [
            rules.nextChange(visits: visits, at: time), contacts.nextChange(key, after: time),
            self.visits.lazy.map { $0.last + retention + 1 }.min(),
        ].compactMap { $0 }.min()
    }
}
