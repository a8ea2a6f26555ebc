import ItineraryCore
import ItineraryTestTags
import PropertyBased
import Testing

@Suite(.tags(.unit)) struct DigitRunMaskerTests {
    /// The forms of issue 17 and the file names it names, each with what is kept of it.
    @Test(arguments: [
        ("138-1234-5611", "138-****-5611"),
        ("138 1234 5612", "138 **** 5612"),
        ("138.1234.5613", "138.****.5613"),
        ("+86 138 1234 5614", "+86 1** **** 5614"),
        ("１３８１２３４５６１５", "１３８＊＊＊＊５６１５"),
        ("138\u{0}1234\u{0}5616", "138\u{0}****\u{0}5616"),
        (#"138\x001234\x1F5617"#, #"138\x00****\x1F5617"#),
        ("(+86) 138/1234\u{7}5618", "(+86) 1**/****\u{7}5618"),
        ("8613812345619", "861******5619"),
        ("13812345678,1651392000,460,00,4113,12345,lu", "138****5678,1651392000,460,00,4113,12345,lu"),
        ("1651392000,460,00,4113,68719476735,lu", "1651392000,460,00,4113,687****6735,lu"),
        ("cmcc-20220501080000-13812345678.csv.zst", "cmcc-202***********-*******5678.csv.zst"),
        ("138\u{200B}1234\u{00A0}5620－", "138\u{200B}****\u{00A0}5620－"),
    ])
    func masksTheIssueForms(_ text: String, _ expected: String) {
        #expect(DigitRunMasker.masked(text) == expected)
    }

    @Test(arguments: [
        "1651392000,460,00,4113,12345,lu", "1380013800", "138-1234-567", "1380013800x0",
        "138,1234,5678", "138:1234:5678", "138+1234+5678", "１３８，１２３４５６７８", #"138\q1234\x5G678"#, "",
    ])
    func leavesTextWithoutALongRunAsItIs(_ text: String) {
        #expect(DigitRunMasker.masked(text) == text)
    }

    /// Any text over an alphabet of digits, separators and what ends a run: afterwards a reader
    /// that drops every separator finds no 11 digits in a row; a text with none is unchanged;
    /// the bytes and the other characters stay where they were; masking twice is masking once.
    @Test func noRunOfElevenDigitsSurvivesInAnyForm() async {
        let alphabet = [
            "1", "3", "8", "0", "9", "５", "１", "０", " ", "-", ".", "/", "(", ")", "\u{0}", "\u{1F}", "\u{7F}",
            "\u{85}", #"\x00"#, #"\xFF"#, "\u{A0}", "\u{AD}", "\u{200B}", "\u{2014}", "\u{2060}", "\u{3000}",
            "\u{FEFF}", "－", "（", "a", ",", ":", "+", "*", "\\", "x", "é", "中", "\u{FF0B}",
        ]
        await propertyCheck(count: 3000, input: Gen.int(in: 0..<alphabet.count).array(of: 0...80)) { picks in
            let text = picks.map { alphabet[$0] }.joined()
            let masked = DigitRunMasker.masked(text)
            #expect(Self.longestRun(masked) < DigitRunMasker.minimumDigits, "\(text.debugDescription)")
            #expect((masked == text) == (Self.longestRun(text) < DigitRunMasker.minimumDigits))
            #expect(masked.utf8.count == text.utf8.count)
            #expect(DigitRunMasker.masked(masked) == masked)
            // Only digits change, each into a star of its width.
            for (before, after) in zip(text.unicodeScalars, masked.unicodeScalars) where before != after {
                #expect(Self.ascii(before) != nil && (after == "*" || after == "＊"))
            }
        }
    }

    /// Every mobile number written in a random mix of the forms, inside a feed line, is gone.
    @Test func aPlantedNumberInAnyFormIsGone() async {
        let separators = [" ", "-", ".", "/", "(", ")", "\u{0}", "\t", #"\x00"#, "\u{3000}", "\u{200D}", " - "]
        await propertyCheck(
            count: 1000, input: Gen.int(in: 13_000_000_000...19_999_999_999), Gen.int(in: 0...Int(UInt32.max)),
            Gen.int(in: 0...2)
        ) { number, shape, prefix in
            var form = ["", "86", "+86 "][prefix]
            for (index, digit) in String(number).enumerated() {
                let bits = shape >> (index * 3)
                form += bits & 1 == 0 ? String(digit) : String(UnicodeScalar(0xFF10 + Int(digit.wholeNumberValue!))!)
                if index < 10, bits & 6 != 0 { form += separators[(bits >> 1) % separators.count] }
            }
            let line = "\(form),1651392000,460,00,4113,12345,lu"
            let masked = DigitRunMasker.masked(line)
            #expect(!Self.normalized(masked).contains(String(number)), "\(line.debugDescription) → \(masked)")
            #expect(masked.hasSuffix(",1651392000,460,00,4113,12345,lu"))
        }
    }

    // MARK: A reference reader, written over Unicode scalars rather than bytes

    /// The text as a reader that ignores every separator sees it: digits as ASCII, anything
    /// else as `|`.
    static func normalized(_ text: String) -> String {
        var result = ""
        for scalar in text.replacing(/\\x[0-9A-Fa-f]{2}/, with: " ").unicodeScalars {
            if let digit = ascii(scalar) {
                result.append(digit)
            } else if !isSeparator(scalar) {
                result.append("|")
            }
        }
        return result
    }

    static func longestRun(_ text: String) -> Int {
        normalized(text).split(separator: "|").map(\.count).max() ?? 0
    }

    static func ascii(_ scalar: Unicode.Scalar) -> Character? {
        switch scalar.value {
        case 0x30...0x39: Character(scalar)
        case 0xFF10...0xFF19: Character(UnicodeScalar(scalar.value - 0xFF10 + 0x30)!)
        default: nil
        }
    }

    static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x20, 0x7F...0xA0, 0xAD, 0x2D, 0x2E, 0x2F, 0x28, 0x29, 0x2000...0x2015, 0x2028...0x202F,
            0x2060...0x206F, 0x2212, 0x3000, 0xFEFF, 0xFF08, 0xFF09, 0xFF0D...0xFF0F:
            true
        default: false
        }
    }
}

/// File names keep the carrier and the time they were closed; their other digits are masked.
@Suite(.tags(.unit)) struct FileNameMaskingTests {
    @Test func aFeedNameKeepsItsCarrierAndTimeAndMasksItsSequence() {
        #expect(DigitRunMasker.maskedFileName("cmcc-20220501080000-0007.csv.zst") == "cmcc-20220501080000-0007.csv.zst")
        #expect(
            DigitRunMasker.maskedFileName("cmcc-20220501080000-13812345678.csv.zst")
                == "cmcc-20220501080000-138****5678.csv.zst")
        #expect(
            DigitRunMasker.maskedFileName("/in/138-1234-5678/failed/cucc-20220501080000-13812345678.csv.zst")
                == "/in/138-****-5678/failed/cucc-20220501080000-138****5678.csv.zst")
        // Not a feed name: masked like any text.
        #expect(DigitRunMasker.maskedFileName("x-13812345678.csv") == "x-138****5678.csv")
        #expect(
            DigitRunMasker.maskedFileName("cmcc-2022050108000-13812345678")
                == DigitRunMasker.masked("cmcc-2022050108000-13812345678"))
        #expect(DigitRunMasker.maskedFileName("") == "")
    }
}
