/// What a verification attempt amounts to.
public enum OTPOutcome: Sendable, Hashable {
    /// The code was right; it is now consumed.
    case accepted
    /// Wrong code; `remainingAttempts` more tries are allowed on this code.
    case wrongCode(remainingAttempts: Int)
    /// The code's lifetime is over.
    case expired
    /// The code was burnt by too many wrong tries; a new one can be requested after `retryAfter` s.
    case tooManyAttempts(retryAfter: Int64)
    /// No code is pending for this phone (never sent, already used, or replaced).
    case noCode

    /// The label used in metrics.
    public var label: String {
        switch self {
        case .accepted: "accepted"
        case .wrongCode: "wrong_code"
        case .expired: "expired"
        case .tooManyAttempts: "too_many_attempts"
        case .noCode: "no_code"
        }
    }
}
