/// A lookup service registered by the operator (`itinerary partners add`), as `partners`
/// (SQL/0011) records it: its quotas and scopes, and only a hash of its secret.
public struct Partner: Sendable, Hashable {
    /// `ptn_` and 16 hex digits: the OAuth client id.
    public var clientID: String
    /// The name the SMS and the card page show (某某健康码).
    public var name: String
    /// SHA-256 of the client secret.
    var secretHash: [UInt8]
    /// Tokens issued before it are refused (`partners rotate`).
    public var secretChangedAt: Int64
    /// The token bucket's rate and burst (``PartnerRateLimiter``).
    public var requestsPerSecond: Int
    /// Card reads (relayed or under consent) per rolling day window.
    public var readsPerDay: Int
    public var scopes: Set<PartnerScope>
    public var createdAt: Int64
    /// Set once revoked: every instance refuses the partner within ``ServiceConfiguration/partnerRefreshInterval``.
    public var revokedAt: Int64?

    /// Whether `secret` is this partner's, compared in constant time.
    func accepts(secret: String) -> Bool {
        ConstantTime.equal(PartnerRegistry.secretHash(secret), secretHash)
    }
}

/// What a partner may do: `relay` a person's SMS code (`POST /v1/partner/otp`, `POST
/// /v1/partner/itinerary`), and read again under a standing `consent` (`GET /v1/partner/itinerary`).
public enum PartnerScope: String, Sendable, Hashable, CaseIterable, Comparable {
    case relay
    case consent

    public static func < (lhs: PartnerScope, rhs: PartnerScope) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `relay consent` as OAuth writes scopes (space-separated).
    static func text(_ scopes: Set<PartnerScope>) -> String {
        scopes.sorted().map(\.rawValue).joined(separator: " ")
    }
}
