/// What a card place is: a mainland prefecture-level city, a foreign country, or one of the
/// regions Hong Kong, Macao and Taiwan.
public enum PlaceKind: String, Sendable, CaseIterable {
    case city
    case country
    case region
}
