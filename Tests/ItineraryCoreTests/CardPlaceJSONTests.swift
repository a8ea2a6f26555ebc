import Foundation
import ItineraryCore
import ItineraryTestTags
import PropertyBased
import Testing

/// Every card place the project writes comes from one encoder (`CardPlace.writeJSON`): the
/// offline lines, the stored card and the API differ only by the names the API adds.
@Suite("One encoder for a card place", .tags(.unit))
struct CardPlaceJSONTests {
    static let places = PlaceDirectory(
        divisions: [
            Division(adcode: 330000, name: "浙江省", level: "province", province: 330000, city: nil, nameEn: "Zhejiang"),
            Division(adcode: 330100, name: "杭州市", level: "city", province: 330000, city: 330100, nameEn: "Hangzhou"),
        ],
        countries: [Country(mcc: 440, code: Fixture.japan, nameZh: "日本", nameEn: "Japan")])

    @Test("the API's place is the stored place with name after code and name_en last")
    func namedForm() {
        let place = CardPlace(
            code: Fixture.hangzhou, starred: true, exposure: .medium, firstSeen: Fixture.day0,
            lastSeen: Fixture.at(6))
        var stored = JSONWriter(), named = JSONWriter(), attested = JSONWriter()
        place.writeJSON(into: &stored)
        place.writeJSON(into: &named, names: Self.places)
        CardPlace.writeAttested(
            into: &attested, code: place.code.description, starred: place.starred, firstSeen: place.firstSeen,
            lastSeen: place.lastSeen)
        #expect(
            stored.text
                == #"{"code":"330100","kind":"city","starred":true,"exposure":"medium","first_seen":"2022-05-01T00:00:00Z","last_seen":"2022-05-01T06:00:00Z"}"#
        )
        #expect(
            named.text
                == #"{"code":"330100","name":"浙江省杭州市","kind":"city","starred":true,"exposure":"medium","first_seen":"2022-05-01T00:00:00Z","last_seen":"2022-05-01T06:00:00Z","name_en":"Hangzhou, Zhejiang"}"#
        )
        // The attestation's format 1, which verifiers in use read: Unix seconds, no kind or exposure.
        #expect(attested.text == #"{"code":"330100","starred":true,"first_seen":1651363200,"last_seen":1651384800}"#)
    }

    @Test("for any card, the line's places, the stored JSON and the API's places less their names are one text")
    func oneTextEverywhere() async {
        let codes = [Fixture.beijing, Fixture.hangzhou, Fixture.japan, Fixture.hongKong]
        let levels: [RiskLevel?] = [nil] + RiskLevel.allCases.map { $0 }
        await propertyCheck(
            count: 300, input: Gen.int(in: 0...15).array(of: 0...5), Gen.int(in: 0...1_000_000)
        ) { picks, start in
            let card = Card(
                at: 0, color: .green,
                places: picks.map { pick in
                    CardPlace(
                        code: codes[pick % codes.count], starred: pick & 4 != 0, exposure: levels[pick % levels.count],
                        firstSeen: Fixture.day0 + Int64(start + pick),
                        lastSeen: Fixture.day0 + Int64(start + 3600 * pick))
                })
            var named = JSONWriter()
            card.writePlaces(into: &named, names: Self.places)
            var unnamed = named.text
            for place in card.places {
                for name in [
                    #","name":"\#(Self.places.displayName(place.code))""#,
                    #","name_en":"\#(Self.places.displayNameEn(place.code))""#,
                ] {
                    unnamed = unnamed.replacingOccurrences(of: name, with: "")
                }
            }
            #expect(unnamed == card.placesJSON)
            // What lookup services read back from the store is what was written.
            #expect(Card.places(storedJSON: Array(card.placesJSON.utf8)) == card.places)
            #expect(
                card.jsonLine(phone: Fixture.phone)
                    == #"{"phone":"13800138000","color":"green","places":\#(card.placesJSON)}"#)
        }
    }

    @Test("a stored card that is not what the encoder writes reads as nothing, never as fewer places")
    func storedJSONRefusals() {
        let good =
            #"[{"code":"330100","kind":"city","starred":true,"exposure":"medium","first_seen":"2022-05-01T00:00:00Z","last_seen":"2022-05-01T06:00:00Z"}]"#
        #expect(Card.places(storedJSON: Array(good.utf8))?.count == 1)
        #expect(Card.places(storedJSON: Array(" [ ] ".utf8)) == [])
        for bad in [
            "", "[", "[{}]", good + "x", String(good.dropLast()),
            good.replacingOccurrences(of: #""medium""#, with: #""severe""#),
            good.replacingOccurrences(of: #""330100""#, with: #""33010""#),
            good.replacingOccurrences(of: "2022-05-01T06", with: "2022-13-01T06"),
            good.replacingOccurrences(of: "true", with: #""true""#),
            good.replacingOccurrences(of: #""city""#, with: #""ci\ty""#),
            good.replacingOccurrences(of: #","first_seen":"2022-05-01T00:00:00Z""#, with: ""),
        ] {
            #expect(Card.places(storedJSON: Array(bad.utf8)) == nil, "\(bad)")
        }
    }
}
