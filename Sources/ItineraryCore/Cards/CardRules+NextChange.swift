extension CardRules {
    /// The earliest time after `time` at which the card of these visits can read differently
    /// (places, stars, exposure or colour), as long as no new observation comes; `nil` when it
    /// never can. Visits must have been built from observations at or before `time`.
    ///
    /// Without new observations no place joins the card, so it changes only when a listed visit
    /// leaves the window (one second after `last + W`) or a risk period of a listed city starts
    /// or ends. A close-contact period starting or ending changes the colour too: see
    /// `ContactList.nextChange(_:after:)`. The result may be a time where the card reads the same
    /// by coincidence (another visit keeps the place), never later than a real change.
    public func nextChange(visits: some Sequence<Visit>, at time: Int64) -> Int64? {
        var next: Int64?
        func consider(_ candidate: Int64) {
            if candidate > time { next = min(next ?? candidate, candidate) }
        }
        var cities = Set<PlaceCode>()
        for visit in visits where isListed(visit, at: time) {
            consider(visit.last + configuration.window + 1)
            if visit.place.isMainland { cities.insert(visit.place) }
        }
        for city in cities {
            for boundary in risk.periodBoundaries(of: city) { consider(boundary) }
        }
        return next
    }
}
