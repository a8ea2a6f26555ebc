/// The card's colour (SPEC §3.3).
public enum CardColor: String, Sendable, CaseIterable {
    case green
    case yellow
    case orange
}
