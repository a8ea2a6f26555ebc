/// A partner read as the card page lists it (`partner_reads`, SQL/0011).
struct PartnerRead: Sendable, Hashable {
    var partnerName: String
    var at: Int64
    /// `relay` (with an SMS code) or `consent` (under a standing consent).
    var purpose: String
    /// `card`, or why it was refused (`invalid_code`, `no_consent`, …).
    var outcome: String
}
