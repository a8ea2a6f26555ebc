/// The level of a risk area. Ordered: `medium < high`.
public enum RiskLevel: String, Sendable, Comparable, CaseIterable {
    case medium
    case high

    public static func < (lhs: RiskLevel, rhs: RiskLevel) -> Bool { lhs == .medium && rhs == .high }
}
