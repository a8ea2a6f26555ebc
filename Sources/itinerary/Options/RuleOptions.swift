import ArgumentParser
import ItineraryCore

/// `--window 14d --min-dwell 4h --bridge 30m --lateness 24h` (docs/rules.md). A store keeps the
/// settings it was built with; on store commands these may only repeat them.
struct RuleOptions: ParsableArguments {
    @Option(help: "Window W (default 14d, or the store's), e.g. 7d.", transform: RuleOptions.duration)
    var window: Int64?

    @Option(
        name: .customLong("min-dwell"), help: "Minimum dwell D for a mainland city (default 4h, or the store's).",
        transform: RuleOptions.duration)
    var minimumDwell: Int64?

    @Option(help: "Bridge B across a short excursion (default 30m, or the store's).", transform: RuleOptions.duration)
    var bridge: Int64?

    @Option(help: "Allowed lateness L of records (default 24h, or the store's).", transform: RuleOptions.duration)
    var lateness: Int64?

    /// The settings given on the command line.
    var overrides: RuleOverrides {
        RuleOverrides(window: window, minimumDwell: minimumDwell, bridge: bridge, lateness: lateness)
    }

    /// The settings for a command without a store: the given ones over the defaults.
    var configuration: RuleConfiguration { overrides.applied(to: .standard) }

    func validate() throws {
        if let problem = configuration.problem { throw ValidationError(problem) }
    }

    /// A duration with its unit: a bare number is refused, since `--window 14` would be 14 seconds.
    static func duration(_ text: String) throws -> Int64 {
        guard let unit = text.last, "dhms".contains(unit), let seconds = RuleConfiguration.seconds(parsing: text) else {
            throw ValidationError("'\(text)' is not a duration with its unit, such as 14d, 4h, 30m or 90s")
        }
        return seconds
    }
}

/// Parses a time given as RFC 3339 (`2022-05-15T00:00:00Z`) or Unix seconds.
func parseTime(_ text: String) throws -> Int64 {
    if let seconds = Int64(text) { return seconds }
    guard let seconds = UTCTimestamp.parse(text) else {
        throw ValidationError("'\(text)' is not an RFC 3339 time (2022-05-15T00:00:00Z) or Unix seconds")
    }
    return seconds
}
