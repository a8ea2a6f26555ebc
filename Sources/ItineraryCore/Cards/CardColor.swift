/// The card's colour (docs/rules.md).
public enum CardColor: String, Sendable, CaseIterable {
    case green
    case yellow
    case orange
}
