import ItineraryCore
import ItineraryStore

extension Workspace {
    /// The rule settings to work with: the store's recorded ones, with `overrides` allowed only
    /// where they agree. A store with none recorded takes the overrides over the defaults, and
    /// records them when `recording` (a command about to write phone data).
    /// - Throws: `RuleSettingsError` for settings that cannot be used or that differ from the store's.
    public func ruleConfiguration(_ overrides: RuleOverrides, recording: Bool) throws -> RuleConfiguration {
        let settings = RuleSettingsStore(connection: try connect())
        if let recorded = try settings.recorded() {
            let conflicts = overrides.conflicts(with: recorded)
            guard conflicts.isEmpty else { throw RuleSettingsError.differsFromStore(recorded, conflicts) }
            return recorded
        }
        let configuration = overrides.applied(to: .standard)
        if let problem = configuration.problem { throw RuleSettingsError.unusable(problem) }
        return recording ? try settings.record(configuration) : configuration
    }
}

/// Rule settings a command cannot run with.
public enum RuleSettingsError: Error, CustomStringConvertible {
    case unusable(String)
    /// The store was built with the first settings; the strings name the options that differ.
    case differsFromStore(RuleConfiguration, [String])

    public var description: String {
        switch self {
        case .unusable(let problem):
            problem
        case .differsFromStore(let recorded, let conflicts):
            "this store was built with \(recorded.summary), and its state depends on them: "
                + conflicts.joined(separator: ", ")
                + " differs. Drop the option, or start a new store (another --state or database, or `purge --all`) "
                + "and apply the feeds again under the new settings"
        }
    }
}
