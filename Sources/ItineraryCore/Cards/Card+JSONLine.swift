extension Card {
    /// The card as one JSON object, the offline command's line format:
    /// `{"phone":"13800138000","color":"green","places":[{"code":"110000","kind":"city",
    /// "starred":false,"exposure":null,"first_seen":"…Z","last_seen":"…Z"}]}`.
    public func jsonLine(phone: Phone) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("phone", phone.digits)
        writer.string("color", color.rawValue)
        writePlaces(into: &writer, key: "places")
        writer.endObject()
        return writer.text
    }

    /// The places as a JSON array, as stored in the cards table (which never holds a number).
    public var placesJSON: String {
        var writer = JSONWriter()
        writePlaces(into: &writer, key: nil)
        return writer.text
    }

    private func writePlaces(into writer: inout JSONWriter, key: String?) {
        writer.beginArray(key)
        for place in places {
            writer.beginObject()
            writer.string("code", place.code.description)
            writer.string("kind", place.kind.rawValue)
            writer.bool("starred", place.starred)
            writer.string("exposure", place.exposure?.rawValue)
            writer.string("first_seen", UTCTimestamp.format(place.firstSeen))
            writer.string("last_seen", UTCTimestamp.format(place.lastSeen))
            writer.endObject()
        }
        writer.endArray()
    }
}
