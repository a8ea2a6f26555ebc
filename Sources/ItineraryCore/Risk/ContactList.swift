/// The health authorities' close-contact list: periods during which a phone is a close contact,
/// by number (offline) or by store key.
public struct ContactList<Key: Hashable & Sendable>: Sendable {
    private let periodsByPhone: [Key: [ActivePeriod]]

    public init<S: Sequence>(_ entries: S) where S.Element == (Key, ActivePeriod) {
        var periods: [Key: [ActivePeriod]] = [:]
        for (phone, period) in entries { periods[phone, default: []].append(period) }
        periodsByPhone = periods
    }

    public static var empty: ContactList { ContactList([]) }

    public func isContact(_ phone: Key, at time: Int64) -> Bool {
        periodsByPhone[phone]?.contains { $0.contains(time) } ?? false
    }
}
