extension Card {
    /// The card as one JSON object, the offline command's line format:
    /// `{"phone":"13800138000","color":"green","places":[{"code":"110000","kind":"city",
    /// "starred":false,"exposure":null,"first_seen":"…Z","last_seen":"…Z"}]}`. With `names`
    /// (`itinerary card`), each place also has the API's `"name"` (北京市) after `"code"` and
    /// `"name_en"` (Beijing) last.
    public func jsonLine(phone: Phone, names: PlaceDirectory? = nil) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("phone", phone.digits)
        writer.string("color", color.rawValue)
        writePlaces(into: &writer, key: "places", names: names)
        writer.endObject()
        return writer.text
    }

    /// The places as a JSON array, as stored in the cards table (which never holds a number).
    public var placesJSON: String {
        var writer = JSONWriter()
        writePlaces(into: &writer)
        return writer.text
    }
}
