/// The source of "now" in whole Unix seconds (UTC): the one wall clock of the project.
///
/// Every time-dependent rule asks it (the ingest clock behind the `future` check; in the
/// service code expiry, resend intervals, token and attestation lifetimes, the card's `T`), so
/// tests move time with ``ManualClock``. Elapsed times are measured with `ContinuousClock` and
/// intervals are `Duration`s.
public protocol WallClock: Sendable {
    /// The current time in whole Unix seconds.
    func now() -> Int64
}
