/// The result of checking an attestation or a card code.
public enum AttestationVerdict: Sendable, Hashable {
    /// Signed by a trusted key, within its validity period, and the card is green, yellow or orange.
    case valid(AttestationPayload)
    /// Authentic and in date, but the card is gray: the store holds no data for the phone
    /// (`no_data`) or its data lags the clock (`stale`). Never a pass.
    case gray(AttestationPayload)
    /// Authentic but past its `exp` by more than the clock skew (or issued in the future beyond it).
    case expired(AttestationPayload)
    /// Valid for longer than the service ever issues (3 min codes, 10 min attestations).
    case tooLong
    /// Signed by a key the service has withdrawn (`itinerary keys revoke`).
    case revoked
    /// Names a key that is not trusted (never published, or its `.pub` removed).
    case unknownKey
    /// The signature does not match the content.
    case badSignature
    /// Not a well-formed attestation.
    case malformed

    /// `valid`, `no_data`, `stale`, `expired`, `lifetime_too_long`, `revoked`, `unknown_key`,
    /// `bad_signature` or `malformed`.
    public var reason: String {
        switch self {
        case .valid: "valid"
        case .gray(let payload): payload.status
        case .expired: "expired"
        case .tooLong: "lifetime_too_long"
        case .revoked: "revoked"
        case .unknownKey: "unknown_key"
        case .badSignature: "bad_signature"
        case .malformed: "malformed"
        }
    }

    /// Whether a venue may let the card through: only a ``valid(_:)`` one.
    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }

    /// The claims a checker may show: those of an authentic, in-date card only (a refused
    /// code's claims are never shown, whatever it says).
    public var shownPayload: AttestationPayload? {
        switch self {
        case .valid(let payload), .gray(let payload): payload
        default: nil
        }
    }
}
