/// The service's source of "now", in Unix seconds (UTC).
///
/// Every time-dependent rule (code expiry, resend intervals, token and attestation lifetimes,
/// the card's `T`) asks this clock, so tests can move time with ``ManualClock``.
public protocol ServiceClock: Sendable {
    /// The current time in whole Unix seconds.
    func now() -> Int64
}
