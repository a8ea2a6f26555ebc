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

    /// The first start or end of one of `phone`'s periods after `time`: when its colour can
    /// next change; `nil` when none is to come.
    public func nextChange(_ phone: Key, after time: Int64) -> Int64? {
        periodsByPhone[phone]?.flatMap { [$0.start] + ($0.end.map { [$0] } ?? []) }.filter { $0 > time }.min()
    }
}
