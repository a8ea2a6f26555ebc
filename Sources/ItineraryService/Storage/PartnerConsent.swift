/// A standing consent as the card page lists it.
struct PartnerConsent: Sendable, Hashable {
    var clientID: String
    var partnerName: String
    var grantedAt: Int64
    var expiresAt: Int64
}
