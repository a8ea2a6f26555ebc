/// The rules for one-time codes (docs/http-api.md); the service clock counts whole seconds.
public struct OTPPolicy: Sendable, Hashable {
    /// How long a code stays valid after it is sent.
    public var codeLifetime: Duration = .seconds(300)
    /// Wrong tries allowed per code; the code is then burnt (``OTPOutcome/tooManyAttempts(retryAfter:)``).
    public var maxWrongAttempts: Int = 5
    /// Minimum time between two sends to one phone.
    public var resendInterval: Duration = .seconds(60)
    /// Sends allowed to one phone in any ``dailyWindow`` (a rolling window, not a calendar day).
    public var dailyLimit: Int = 10
    public var dailyWindow: Duration = .seconds(86_400)
    /// Digits in a code.
    public var digits: Int = 6

    public init() {}
}
