import ArgumentParser
import ItineraryCore

/// `--window 14d --min-dwell 4h --bridge 30m --lateness 24h` (docs/rules.md defaults).
struct RuleOptions: ParsableArguments {
    @Option(help: "Window W (e.g. 14d, 7d).", transform: RuleOptions.duration)
    var window: Int64 = RuleConfiguration.standard.window

    @Option(
        name: .customLong("min-dwell"), help: "Minimum dwell D for a mainland city (e.g. 4h).",
        transform: RuleOptions.duration)
    var minimumDwell: Int64 = RuleConfiguration.standard.minimumDwell

    @Option(help: "Bridge B across a short excursion (e.g. 30m).", transform: RuleOptions.duration)
    var bridge: Int64 = RuleConfiguration.standard.bridge

    @Option(help: "Allowed lateness L of records (e.g. 24h).", transform: RuleOptions.duration)
    var lateness: Int64 = RuleConfiguration.standard.lateness

    var configuration: RuleConfiguration {
        RuleConfiguration(window: window, minimumDwell: minimumDwell, bridge: bridge, lateness: lateness)
    }

    static func duration(_ text: String) throws -> Int64 {
        guard let seconds = RuleConfiguration.seconds(parsing: text) else {
            throw ValidationError("'\(text)' is not a duration such as 14d, 4h, 30m or 90s")
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
