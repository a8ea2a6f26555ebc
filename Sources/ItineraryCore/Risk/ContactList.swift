/// The health authorities' close-contact list: periods during which a phone is a close contact.
public struct ContactList: Sendable {
    private let periodsByPhone: [Phone: [ActivePeriod]]

    public init<S: Sequence>(_ entries: S) where S.Element == (Phone, ActivePeriod) {
        var periods: [Phone: [ActivePeriod]] = [:]
        for (phone, period) in entries { periods[phone, default: []].append(period) }
        periodsByPhone = periods
    }

    public static let empty = ContactList([])

    public var count: Int { periodsByPhone.values.reduce(0) { $0 + $1.count } }

    public func isContact(_ phone: Phone, at time: Int64) -> Bool {
        periodsByPhone[phone]?.contains { $0.contains(time) } ?? false
    }
}
