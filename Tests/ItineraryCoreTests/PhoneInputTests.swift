import ItineraryCore
import ItineraryTestTags
import PropertyBased
import Testing

/// `Phone.parse(typed:)`: the one normaliser behind the page, the API and `itinerary card`.
@Suite(.tags(.unit)) struct PhoneInputTests {
    @Test(arguments: [
        "13193769632", "8613193769632", "+8613193769632", "+86 131 9376 9632", "86 131-9376-9632",
        "131.9376.9632", "(+86) 131 9376 9632", "+86 (131) 9376-9632", "１３１９３７６９６３２",
        "＋８６　１３１－９３７６－９６３２", "（８６）１３１．９３７６．９６３２", "+86 131 ９３７６ 9632",
    ])
    func acceptsWhatPeopleType(_ text: String) throws {
        #expect(try Phone.parse(typed: text).get().number == 13_193_769_632, "\(text)")
        #expect(Phone(text)?.number == 13_193_769_632)
    }

    @Test(arguments: [
        ("", PhoneInputError.empty), (" - ", .empty), ("1319376963", .digitCount(10)),
        ("131 9376 96321", .digitCount(12)), ("+86 131 9376 963", .digitCount(10)),
        ("+1 131 9376 9632", .foreignCountryCode), ("+8713193769632", .foreignCountryCode),
        ("12193769632", .notMobile), ("+86 23193769632", .notMobile), ("131 9376 963x", .unexpectedCharacter("x")),
        ("131/9376/9632", .unexpectedCharacter("/")), ("131 9376 9632 电话", .unexpectedCharacter("电")),
        ("131+9376 9632", .misplacedPlus), ("++8613193769632", .misplacedPlus),
        (String(repeating: "1 ", count: 17), .tooLong), ("8613193769632000000", .digitCount(19)),
    ])
    func namesWhatIsWrong(_ text: String, _ problem: PhoneInputError) {
        #expect(Phone.parse(typed: text) == .failure(problem), "\(text)")
        #expect(Phone(text) == nil)
    }

    @Test func theMessagesSayTheFaultInWords() {
        #expect(PhoneInputError.digitCount(10).description.contains("10 digits where a mobile number has 11"))
        #expect(PhoneInputError.unexpectedCharacter("x").description.contains("'x' is not a digit"))
        #expect(PhoneInputError.foreignCountryCode.description.contains("+86"))
    }

    /// Broken UTF-8 (a lone lead byte, a truncated sequence) is refused, never read past the end.
    @Test(arguments: [[0xEF], [0xEF, 0xBC], [0x31, 0xE3, 0x80], [0xFF, 0x31], [0xF0, 0x9F]] as [[UInt8]])
    func brokenUTF8IsRefused(_ bytes: [UInt8]) {
        guard case .failure = Phone.parse(typed: bytes) else {
            Issue.record("\(bytes) accepted")
            return
        }
    }

    /// Any mobile number in any mix of the accepted forms reads back as itself.
    @Test func anyMixOfFormsReadsBack() async {
        let separators = ["", " ", "-", ".", "\u{3000}", "－", "．", " - "]
        await propertyCheck(
            count: 1000, input: Gen.int(in: 13_000_000_000...19_999_999_999), Gen.int(in: 0...Int(UInt32.max)),
            Gen.int(in: 0...5)
        ) { number, shape, prefix in
            var form = ["", "86", "+86 ", "＋８６", "(+86) ", "（86）"][prefix]
            for (index, digit) in String(number).enumerated() {
                let bits = shape >> (index * 3)
                form += bits & 1 == 0 ? String(digit) : String(UnicodeScalar(0xFF10 + Int(digit.wholeNumberValue!))!)
                if index < 10, index % 4 == 2 { form += separators[(bits >> 1) % separators.count] }
            }
            #expect((try? Phone.parse(typed: form).get())?.number == UInt64(number), "\(form)")
        }
    }
}
