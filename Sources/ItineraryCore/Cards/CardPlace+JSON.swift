extension CardPlace {
    /// Writes the place as JSON: every card place the project writes comes from here (offline
    /// card lines and `itinerary card`, the stored card `cards.card` / `itinerary_card`, the
    /// lookup API) or from ``writeAttested(into:code:starred:firstSeen:lastSeen:)``.
    ///
    /// `{"code":"330100","kind":"city","starred":true,"exposure":"medium","first_seen":"…Z","last_seen":"…Z"}`;
    /// with `names` (the API), `"name"` follows `"code"` and `"name_en"` comes last, so the
    /// original API layout stays a prefix for clients that read it positionally.
    public func writeJSON(into writer: inout JSONWriter, names: PlaceDirectory? = nil) {
        writer.beginObject()
        writer.string("code", code.description)
        if let names { writer.string("name", names.displayName(code)) }
        writer.string("kind", kind.rawValue)
        writer.bool("starred", starred)
        writer.string("exposure", exposure?.rawValue)
        writer.string("first_seen", UTCTimestamp.format(firstSeen))
        writer.string("last_seen", UTCTimestamp.format(lastSeen))
        if let names { writer.string("name_en", names.displayNameEn(code)) }
        writer.endObject()
    }

    /// Writes a place as an attestation (format 1) signs it: only what a venue checks, times in
    /// Unix seconds, `{"code":"330100","starred":true,"first_seen":…,"last_seen":…}`. Verifiers
    /// already in use read this form, so it is kept; times are `null` for a place decoded from a
    /// card code, which carries none.
    public static func writeAttested(
        into writer: inout JSONWriter, code: String, starred: Bool, firstSeen: Int64?, lastSeen: Int64?
    ) {
        writer.beginObject()
        writer.string("code", code)
        writer.bool("starred", starred)
        writer.int("first_seen", firstSeen)
        writer.int("last_seen", lastSeen)
        writer.endObject()
    }
}

extension Card {
    /// The places as a JSON array (``CardPlace/writeJSON(into:names:)``), under `key` in an object.
    public func writePlaces(into writer: inout JSONWriter, key: String? = nil, names: PlaceDirectory? = nil) {
        writer.beginArray(key)
        for place in places { place.writeJSON(into: &writer, names: names) }
        writer.endArray()
    }
}
