import Foundation
import ItineraryCore
import ItineraryTestTags
import PropertyBased
import Testing

@Suite(.tags(.unit)) struct JSONWriterTests {
    /// Pieces a string can be made of: every escape, bytes either side of them, a combining mark
    /// right after an escaped character, Chinese and a character outside the BMP.
    static let pieces = [
        "\"", "\\", "<", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}", "a", " ", "北京市", "\u{301}", "😷",
        "e\u{301}", ">", "/", "省",
    ]

    @Test func anyStringReadsBackAsItself() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000)) { seed in
            var random = SplitMix(seed: UInt64(seed))
            let value = (0..<random.next(below: 12)).map { _ in Self.pieces[random.next(below: Self.pieces.count)] }
                .joined()
            let quoted = JSONWriter.quoted(value)
            let decoded = try? JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]
            #expect(decoded == [value], "\(value.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(!quoted.contains("<"), "safe inside HTML")
            #expect(!quoted.utf8.contains { $0 < 0x20 }, "no raw control characters")
        }
    }

    @Test func objectsAndArraysKeepTheirOrderAndCommas() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("a", "x\"y")
        writer.beginArray("b")
        writer.int(nil, 1)
        writer.string(nil, nil)
        writer.bool(nil, true)
        writer.endArray()
        writer.raw("c", "{}")
        writer.endObject()
        #expect(writer.text == #"{"a":"x\"y","b":[1,null,true],"c":{}}"#)
    }
}
