import ItineraryCore
import ItineraryTestTags
import Testing

@Suite(.tags(.unit)) struct ValueTests {
    @Test(arguments: ["13800138000", "8613800138000", "+8613800138000"])
    func phoneAcceptsTheThreeForms(_ text: String) {
        #expect(Phone(text)?.number == 13_800_138_000)
    }

    @Test(arguments: [
        "1380013800", "138001380000", "12800138000", "23800138000", "+13800138000", "8713800138000",
        "+8713800138000", "1380013800a", "", "086138001380",
    ])
    func phoneRefusesOthers(_ text: String) {
        #expect(Phone(text) == nil)
    }

    @Test func phoneMasksTheMiddleFourDigits() {
        #expect(Phone("13800138000")!.masked == "138****8000")
    }

    /// `itinerary card`'s line: the offline line with each place's names added where the API has
    /// them (`name` after `code`, `name_en` last); every other field unchanged, in order.
    @Test func cardJSONLineWithNamesAddsThemBesideTheCodes() {
        let places = PlaceDirectory(
            divisions: [
                Division(
                    adcode: 110000, name: "北京市", level: "province", province: 110000, city: 110000, nameEn: "Beijing"),
                Division(
                    adcode: 330000, name: "浙江省", level: "province", province: 330000, city: nil, nameEn: "Zhejiang"),
                Division(
                    adcode: 330100, name: "杭州市", level: "city", province: 330000, city: 330100, nameEn: "Hangzhou"),
            ],
            countries: [Country(mcc: 440, code: Fixture.japan, nameZh: "日本", nameEn: "Japan")])
        let card = Card(
            at: 0, color: .green,
            places: [Fixture.beijing, PlaceCode("330100")!, Fixture.japan].map {
                CardPlace(code: $0, starred: false, exposure: nil, firstSeen: 1_651_363_200, lastSeen: 1_651_363_200)
            })
        let named = card.jsonLine(phone: Fixture.phone, names: places)
        let times = #""first_seen":"2022-05-01T00:00:00Z","last_seen":"2022-05-01T00:00:00Z""#
        #expect(
            named
                == #"{"phone":"13800138000","color":"green","places":[{"code":"110000","name":"北京市","kind":"city","starred":false,"exposure":null,"#
                + times
                + #","name_en":"Beijing"},{"code":"330100","name":"浙江省杭州市","kind":"city","starred":false,"exposure":null,"#
                + times
                + #","name_en":"Hangzhou, Zhejiang"},{"code":"JP","name":"日本","kind":"country","starred":false,"exposure":null,"#
                + times + #","name_en":"Japan"}]}"#)
        // Without the names, the line is the offline one byte for byte.
        #expect(
            named.replacing(/"name(_en)?":"[^"]*",?/, with: "").replacing(",}", with: "}")
                == card.jsonLine(phone: Fixture.phone))
    }

    @Test func placeCodeOrderIsStringOrder() {
        let codes = ["110000", "120000", "999999", "AE", "HK", "JP", "US"].map { PlaceCode($0)! }
        #expect(codes == codes.sorted())
        #expect(codes.map(\.description) == ["110000", "120000", "999999", "AE", "HK", "JP", "US"])
        #expect(
            PlaceCode("TW")!.kind == .region && PlaceCode("MO")!.kind == .region && PlaceCode("KR")!.kind == .country)
    }

    @Test func timestampsRoundTrip() {
        #expect(UTCTimestamp.format(1_651_363_200) == "2022-05-01T00:00:00Z")
        #expect(UTCTimestamp.format(1_651_363_200, offset: 28_800) == "2022-05-01T08:00:00+08:00")
        #expect(UTCTimestamp.parse("2022-05-01T08:00:00+08:00") == 1_651_363_200)
        #expect(UTCTimestamp.parse("2022-05-01T00:00:00.123Z") == 1_651_363_200)
        #expect(UTCTimestamp.parse("2022-02-30T00:00:00Z") == nil)
        #expect(UTCTimestamp.parse("2022-05-01") == nil)
        for seconds in stride(from: Int64(0), to: 4_000_000_000, by: 86_399 * 37) {
            #expect(UTCTimestamp.parse(UTCTimestamp.format(seconds)) == seconds)
        }
    }

    @Test func durationsParse() {
        #expect(RuleConfiguration.seconds(parsing: "14d") == Int64(14 * 86_400))
        #expect(RuleConfiguration.seconds(parsing: "30m") == 1800)
        #expect(RuleConfiguration.seconds(parsing: "4h") == 14_400)
        #expect(RuleConfiguration.seconds(parsing: "90") == 90)
        #expect(RuleConfiguration.seconds(parsing: "x") == nil)
        #expect(RuleConfiguration.seconds(parsing: "-1h") == nil)
    }

    @Test func cardJSONLineHasTheOfflineFormat() {
        let card = Card(
            at: 0, color: .green,
            places: [
                CardPlace(
                    code: Fixture.beijing, starred: false, exposure: nil, firstSeen: 1_651_363_200,
                    lastSeen: 1_651_384_800),
                CardPlace(
                    code: Fixture.japan, starred: false, exposure: .high, firstSeen: 1_651_363_200,
                    lastSeen: 1_651_363_200),
            ])
        #expect(
            card.jsonLine(phone: Fixture.phone)
                == #"{"phone":"13800138000","color":"green","places":[{"code":"110000","kind":"city","starred":false,"exposure":null,"first_seen":"2022-05-01T00:00:00Z","last_seen":"2022-05-01T06:00:00Z"},{"code":"JP","kind":"country","starred":false,"exposure":"high","first_seen":"2022-05-01T00:00:00Z","last_seen":"2022-05-01T00:00:00Z"}]}"#
        )
    }
}
