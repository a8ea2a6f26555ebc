import ItineraryCore

/// The per-phone send limits as a pure function of the phone's earlier send times.
enum OTPSendPolicy {
    /// - Parameter previousSends: send times of this phone (any order; older ones are ignored).
    static func decide(previousSends: [Int64], now: Int64, policy: OTPPolicy) -> SendDecision {
        let recent = previousSends.filter { $0 > now - policy.dailyWindow.inWholeSeconds && $0 <= now }.sorted()
        if let last = recent.last, now - last < policy.resendInterval.inWholeSeconds {
            return .limited(retryAfter: max(1, last + policy.resendInterval.inWholeSeconds - now))
        }
        if recent.count >= policy.dailyLimit {
            // The send that must leave the window before another one fits.
            let blocking = recent[recent.count - policy.dailyLimit]
            return .limited(retryAfter: max(1, blocking + policy.dailyWindow.inWholeSeconds - now))
        }
        return .allowed
    }
}
