/// The settings the rules depend on (docs/rules.md), in seconds.
public struct RuleConfiguration: Hashable, Sendable {
    /// Window `W`: how far back a card looks.
    public var window: Int64
    /// Minimum dwell `D` for a mainland city to be listed.
    public var minimumDwell: Int64
    /// Bridge `B`: observations of a place at most this far apart stay one visit across an excursion.
    public var bridge: Int64
    /// Allowed lateness `L` of a record behind the newest accepted event time.
    public var lateness: Int64

    public init(
        window: Int64 = 14 * 86_400, minimumDwell: Int64 = 4 * 3_600, bridge: Int64 = 30 * 60, lateness: Int64 = 86_400
    ) {
        self.window = window
        self.minimumDwell = minimumDwell
        self.bridge = bridge
        self.lateness = lateness
    }

    /// The rules' defaults: W = 14 d, D = 4 h, B = 30 min, L = 24 h.
    public static let standard = RuleConfiguration()

    /// How long after its last observation a visit or record is kept: `W + L` plus a day.
    public var retention: Int64 { window + lateness + 86_400 }
}

extension RuleConfiguration {
    /// Parses a duration such as `14d`, `4h`, `30m`, `90s` or a bare number of seconds.
    public static func seconds(parsing text: String) -> Int64? {
        let units: [Character: Int64] = ["d": 86_400, "h": 3_600, "m": 60, "s": 1]
        var digits = Substring(text)
        var multiplier: Int64 = 1
        if let unit = text.last, let factor = units[unit] {
            multiplier = factor
            digits = digits.dropLast()
        }
        guard let value = Int64(digits), value >= 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }
}

extension RuleConfiguration {
    /// Why these settings cannot be used, or `nil` when they can: every setting at most a year
    /// (so no time arithmetic overflows), the window at least an hour, and neither the minimum
    /// dwell nor the bridge longer than the window.
    public var problem: String? {
        let year: Int64 = 366 * 86_400
        let settings = [
            ("window W", window), ("minimum dwell D", minimumDwell), ("bridge B", bridge), ("lateness L", lateness),
        ]
        for (name, value) in settings where !(0...year).contains(value) {
            return "the \(name) must be between 0 and 366d (given \(Self.format(seconds: value)))"
        }
        if window < 3_600 { return "the window W must be at least 1h (given \(Self.format(seconds: window)))" }
        for (name, value) in settings[1...2] where value > window {
            return
                "the \(name) (\(Self.format(seconds: value))) must not exceed the window W (\(Self.format(seconds: window)))"
        }
        return nil
    }

    /// `14d`, `4h`, `30m`, `90s`: the largest unit that divides the duration.
    public static func format(seconds: Int64) -> String {
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60)] where seconds != 0 && seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }

    /// `W=14d D=4h B=30m L=24h`.
    public var summary: String {
        "W=\(Self.format(seconds: window)) D=\(Self.format(seconds: minimumDwell)) B=\(Self.format(seconds: bridge)) L=\(Self.format(seconds: lateness))"
    }
}
