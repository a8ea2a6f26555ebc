/// Rule settings given explicitly (on a command line), each `nil` when not given: a store's
/// recorded settings fill the gaps, and a given one that differs from them is a conflict.
public struct RuleOverrides: Hashable, Sendable {
    public var window: Int64?
    public var minimumDwell: Int64?
    public var bridge: Int64?
    public var lateness: Int64?

    public init(window: Int64? = nil, minimumDwell: Int64? = nil, bridge: Int64? = nil, lateness: Int64? = nil) {
        self.window = window
        self.minimumDwell = minimumDwell
        self.bridge = bridge
        self.lateness = lateness
    }

    /// Every setting given: exactly `configuration`.
    public init(_ configuration: RuleConfiguration) {
        self.init(
            window: configuration.window, minimumDwell: configuration.minimumDwell, bridge: configuration.bridge,
            lateness: configuration.lateness)
    }

    /// `base` with every given setting put in.
    public func applied(to base: RuleConfiguration) -> RuleConfiguration {
        RuleConfiguration(
            window: window ?? base.window, minimumDwell: minimumDwell ?? base.minimumDwell,
            bridge: bridge ?? base.bridge, lateness: lateness ?? base.lateness)
    }

    /// The given settings that differ from `recorded`, as `--option given (store: recorded)`.
    public func conflicts(with recorded: RuleConfiguration) -> [String] {
        let settings: [(String, Int64?, Int64)] = [
            ("--window", window, recorded.window), ("--min-dwell", minimumDwell, recorded.minimumDwell),
            ("--bridge", bridge, recorded.bridge), ("--lateness", lateness, recorded.lateness),
        ]
        return settings.compactMap { name, given, stored in
            guard let given, given != stored else { return nil }
            return
                "\(name) \(RuleConfiguration.format(seconds: given)) (store: \(RuleConfiguration.format(seconds: stored)))"
        }
    }
}
