import ItineraryCore

/// How a pipeline names a phone in its engine. Each parse worker holds its own copy, so naming
/// shares nothing between threads.
protocol PhoneNaming: Sendable {
    associatedtype Key: PartitionKey
    /// The key of `phone`, for each valid record of the file in hand (late ones too).
    mutating func key(for phone: Phone) -> Key
}

/// The offline command's naming: a phone is its own key.
struct PhoneNumberNaming: PhoneNaming {
    func key(for phone: Phone) -> Phone { phone }
}
