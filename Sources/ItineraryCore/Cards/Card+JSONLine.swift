extension Card {
    /// The card as one JSON object, the offline command's line format:
    /// `{"phone":"13800138000","color":"green","places":[{"code":"110000","kind":"city",
    /// "starred":false,"exposure":null,"first_seen":"…Z","last_seen":"…Z"}]}`.
    public func jsonLine(phone: Phone) -> String {
        #"{"phone":""# + phone.digits + #"","color":""# + color.rawValue + #"","places":"# + placesJSON + "}"
    }

    /// The places as a JSON array, as stored in the cards table (which never holds a number).
    public var placesJSON: String {
        var text = "["
        for (index, place) in places.enumerated() {
            if index > 0 { text += "," }
            text += #"{"code":""# + place.code.description + #"","kind":""# + place.kind.rawValue
            text += #"","starred":"# + (place.starred ? "true" : "false")
            text += #","exposure":"# + (place.exposure.map { "\"\($0.rawValue)\"" } ?? "null")
            text += #","first_seen":""# + UTCTimestamp.format(place.firstSeen)
            text += #"","last_seen":""# + UTCTimestamp.format(place.lastSeen) + #""}"#
        }
        return text + "]"
    }
}
