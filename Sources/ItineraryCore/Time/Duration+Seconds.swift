extension Duration {
    /// The duration in seconds, for the few system calls that take a floating-point interval.
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration in whole seconds, rounded down (the store keeps times as Unix seconds).
    public var inWholeSeconds: Int64 { components.seconds }

    /// The duration in whole milliseconds, rounded down (PostgreSQL's timeout settings).
    public var inMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
