/// A card as presented to one request, with its `GET /v1/itinerary` body rendered.
struct PresentedCard: Sendable {
    var presentation: CardPresentation
    var body: String
}
