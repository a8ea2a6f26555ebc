import ItineraryCore

/// The verification rules as a pure function of (stored record, submitted code hash, now).
///
/// The store runs it under a row lock and applies the returned change in the same transaction,
/// so concurrent attempts on one code are serialised and exactly one can succeed.
enum OTPVerification {
    struct Verdict: Sendable, Hashable {
        var outcome: OTPOutcome
        var change: OTPRecordChange
    }

    static func evaluate(record: OTPRecord?, submittedHash: [UInt8], now: Int64, policy: OTPPolicy) -> Verdict {
        guard let record else { return Verdict(outcome: .noCode, change: .keep) }
        if now >= record.expiresAt {
            return Verdict(outcome: .expired, change: .delete)
        }
        if record.wrongAttempts >= policy.maxWrongAttempts {
            let retryAfter = max(1, record.issuedAt + policy.resendInterval.inWholeSeconds - now)
            return Verdict(outcome: .tooManyAttempts(retryAfter: retryAfter), change: .keep)
        }
        if ConstantTime.equal(record.codeHash, submittedHash) {
            return Verdict(outcome: .accepted, change: .delete)
        }
        let wrong = record.wrongAttempts + 1
        return Verdict(
            outcome: .wrongCode(remainingAttempts: max(0, policy.maxWrongAttempts - wrong)),
            change: .setWrongAttempts(wrong)
        )
    }
}
