/// The result of checking an attestation.
public enum AttestationVerdict: Sendable, Hashable {
    /// Signed by the expected key and within its validity period.
    case valid(AttestationPayload)
    /// Authentic but past its `exp` (or not yet issued, beyond the allowed clock skew).
    case expired(AttestationPayload)
    /// Names another key id.
    case unknownKey
    /// The signature does not match the content.
    case badSignature
    /// Not a well-formed attestation.
    case malformed

    /// `valid`, `expired`, `unknown_key`, `bad_signature` or `malformed`.
    public var reason: String {
        switch self {
        case .valid: "valid"
        case .expired: "expired"
        case .unknownKey: "unknown_key"
        case .badSignature: "bad_signature"
        case .malformed: "malformed"
        }
    }

    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }
}
