import Hummingbird
import ItineraryCore

/// `GET /v1/places`: the names of every place a card can show, by code, so the venue verifier
/// names a code's places offline (it fetches this once, with the keys).
extension LookupService {
    /// `{"places":{"330100":"浙江省杭州市",…,"JP":"日本"}}`; the same for every caller, so cacheable.
    func placeNames() -> Response {
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginObject("places")
        for code in places.cardPlaces {
            writer.string(code.description, places.displayName(code))
        }
        writer.endObject()
        writer.endObject()
        return Responses.json(writer.text, private: false)
    }
}
