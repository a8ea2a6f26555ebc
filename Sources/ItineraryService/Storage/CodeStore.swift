/// One-time codes (`otp_codes`, `otp_sends`): the storage the `/v1/otp` and `/v1/itinerary`
/// handlers depend on. The decisions are the pure rules of `OTP/`; a store applies them
/// atomically.
protocol CodeStore: Sendable {
    /// Stores a new code for a phone and queues its SMS, if the per-phone limits allow.
    func issueCode(
        phoneKey: [UInt8], codeHash: [UInt8], sms: NewSMS, now: Int64, policy: OTPPolicy
    ) async throws -> SendDecision

    /// Checks a submitted code and applies the verdict; on success stores `token` atomically with
    /// it, so concurrent attempts on one code give exactly one success.
    func verifyCode(
        phoneKey: [UInt8], submittedHash: [UInt8], now: Int64, policy: OTPPolicy, token: NewToken?
    ) async throws -> OTPOutcome
}
