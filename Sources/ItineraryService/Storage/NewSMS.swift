import ItineraryCore

/// A message to put in the outbox.
struct NewSMS: Sendable, Hashable {
    enum Kind: String, Sendable { case otp, reply }

    var phone: Phone
    var kind: Kind
    var body: String
}
