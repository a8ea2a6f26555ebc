/// The service's side of the partner tables (SQL/0011): consents, the audit of reads, and the
/// partners as ``PartnerDirectory`` re-reads them. Phones appear only as keys.
protocol PartnerStore: Sendable {
    /// Every partner, revoked ones included (``PartnerRegistry/all(on:)``).
    func partners() async throws -> [Partner]

    /// Records one read.
    func recordRead(clientID: String, phoneKey: [UInt8], at time: Int64, purpose: String, outcome: String) async throws

    /// Grants (or extends, or renews after a withdrawal) the partner's consent until `expiresAt`.
    func grantConsent(clientID: String, phoneKey: [UInt8], at time: Int64, expiresAt: Int64) async throws

    /// Checks the partner's standing consent at `time` and records the read atomically: `true`
    /// (recorded as `card`) while it stands, else `false` (recorded as `no_consent`). Never
    /// cached, so a withdrawal counts at once.
    func consentedRead(clientID: String, phoneKey: [UInt8], at time: Int64) async throws -> Bool

    /// Withdraws the phone's consents standing at `time`: to the partners named `partnerName`
    /// (compared case-insensitively) or with client id `clientID`, or all when both are `nil`.
    /// Returns the names of the partners whose consent it ended, sorted.
    func withdraw(phoneKey: [UInt8], partnerName: String?, clientID: String?, at time: Int64) async throws -> [String]

    /// The phone's reads (newest first, at most `limit`) and its consents standing at `time`
    /// (oldest grant first).
    func audit(
        phoneKey: [UInt8], at time: Int64, limit: Int
    ) async throws -> (reads: [PartnerRead], consents: [PartnerConsent])

    /// Deletes reads older than `readsBefore` and consents ended (expired or withdrawn) before `time`.
    func purgeExpired(now time: Int64, readsBefore: Int64) async throws
}
