import Foundation
import ItineraryCore
import ItineraryTestTags
import Testing

@testable import ItineraryFeed

@Suite(.tags(.unit)) struct ReferenceDataTests {
    @Test func bundledCountriesCoverTheMainDestinations() throws {
        let countries = try Countries.load()
        #expect(countries.count >= 200)
        #expect(!countries.contains { $0.mcc == 460 })
        let directory = Fixtures.directory
        let expected: [(Int, String, String)] = [
            (440, "JP", "日本"), (441, "JP", "日本"), (450, "KR", "韩国"), (520, "TH", "泰国"), (310, "US", "美国"),
            (316, "US", "美国"), (404, "IN", "印度"), (406, "IN", "印度"), (234, "GB", "英国"), (235, "GB", "英国"),
            (454, "HK", "中国香港"), (455, "MO", "中国澳门"), (466, "TW", "中国台湾"), (525, "SG", "新加坡"),
        ]
        for (mcc, iso2, name) in expected {
            let country = try #require(directory.country(mcc: mcc))
            #expect(country.code == PlaceCode(iso2: iso2) && country.nameZh == name)
        }
        #expect(PlaceCode(iso2: "HK")!.kind == .region)
    }

    @Test func bundledDivisionsMapDistrictsToCardCities() throws {
        let directory = Fixtures.directory
        #expect(directory.city(ofAdcode: 110105) == PlaceCode(adcode: 110000))
        #expect(directory.city(ofAdcode: 330106) == PlaceCode(adcode: 330100))
        #expect(directory.city(ofAdcode: 419001) == PlaceCode(adcode: 419001))
        #expect(directory.displayName(PlaceCode(adcode: 330100)!) == "浙江省杭州市")
    }

    @Test func bundledEnglishNamesCoverEveryCardPlace() throws {
        let directory = try PlaceDirectory.bundled()
        #expect(directory.displayNameEn(PlaceCode(adcode: 330100)!) == "Hangzhou, Zhejiang")
        #expect(directory.displayNameEn(PlaceCode(adcode: 110000)!) == "Beijing")
        #expect(directory.displayNameEn(PlaceCode(adcode: 610100)!) == "Xi'an, Shaanxi")
        #expect(directory.displayNameEn(PlaceCode(adcode: 429004)!) == "Xiantao, Hubei")
        #expect(directory.displayNameEn(PlaceCode(iso2: "JP")!) == "Japan")
        // Every city and country a card can name has an English name of Latin letters.
        let untranslated = directory.cardPlaces.map { directory.displayNameEn($0) }.filter { name in
            name.unicodeScalars.contains { $0.value >= 0x2E80 }
        }
        #expect(untranslated.isEmpty, "\(untranslated.prefix(10))")
    }

    @Test func riskListParses() throws {
        let text = """
            adcode,name,level,start,end
            110105,"望京街道,某小区",high,2022-05-01T00:00:00Z,
            310115,金桥镇,medium,2022-04-01T00:00:00+08:00,2022-05-03T00:00:00Z
            """
        let areas = try RiskAreas.parse(text, directory: Fixtures.directory)
        #expect(areas.count == 2)
        #expect(areas[0].city == PlaceCode(adcode: 110000) && areas[0].name == "望京街道,某小区" && areas[0].level == .high)
        #expect(areas[0].period == ActivePeriod(start: 1_651_363_200, end: nil))
        #expect(areas[1].period == ActivePeriod(start: 1_648_742_400, end: 1_651_536_000))
    }

    @Test(arguments: [
        ("999999,x,high,2022-05-01T00:00:00Z,", "adcode"),
        ("110105,x,low,2022-05-01T00:00:00Z,", "level"),
        ("110105,x,high,yesterday,", "start"),
        ("110105,x,high,2022-05-01T00:00:00Z,2022-04-01T00:00:00Z", "before"),
        ("110105,x,high", "fields"),
    ])
    func badRiskRowsNameTheirLine(row: String, mentions: String) {
        do {
            _ = try RiskAreas.parse(
                "adcode,name,level,start,end\n110105,ok,medium,2022-05-01T00:00:00Z,\n\(row)\n",
                directory: Fixtures.directory)
            Issue.record("expected an error")
        } catch let error as ReferenceDataError {
            #expect(error.line == 3)
            #expect(error.message.contains(mentions))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func contactsParse() throws {
        let entries = try CloseContacts.parse(
            "msisdn,start,end\n13800138000,2022-05-01T00:00:00Z,\n+8613900139000,2022-05-01T00:00:00Z,2022-05-08T00:00:00Z\n"
        )
        let list = ContactList(entries)
        #expect(list.isContact(Phone("13800138000")!, at: 1_651_400_000))
        #expect(list.isContact(Phone("13900139000")!, at: 1_651_400_000))
        #expect(!list.isContact(Phone("13900139000")!, at: 1_652_000_000))
        #expect(throws: ReferenceDataError.self) {
            try CloseContacts.parse("msisdn,start,end\n12345,2022-05-01T00:00:00Z,\n")
        }
    }
}
