import ItinerarySimulation
import ItineraryTestTags
import PropertyBased
import Testing

@testable import ItineraryFeed

@Suite(.tags(.unit)) struct ByteParsingTests {
    /// The word-at-a-time line scan finds what a byte-by-byte one finds, wherever the commas and
    /// line ends fall against the eight-byte words, with bytes that differ by one bit from them.
    @Test func lineScanEqualsAByteByByteScan() async {
        let alphabet: [UInt8] = [0x2C, 0x0A, 0x0D, 0x2D, 0x0B, 0xAC, 0x8A, 0x00, 0xFF, 0x31]
        await propertyCheck(count: 500, input: Gen.int(in: 0...1_000_000)) { seed in
            var random = SplitMix64(seed: UInt64(seed))
            func next(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
            let bytes = (0..<next(40)).map { _ in alphabet[next(alphabet.count)] }
            let start = bytes.isEmpty ? 0 : next(bytes.count)
            var expectedCommas: [Int] = []
            var expectedEnd = bytes.count
            for index in start..<bytes.count {
                if bytes[index] == 0x0A {
                    expectedEnd = index
                    break
                }
                if bytes[index] == 0x2C { expectedCommas.append(index) }
            }
            var commas: [Int] = []
            let end = bytes.withUnsafeBufferPointer { buffer in
                ByteParsing.scanLine(buffer.baseAddress ?? UnsafePointer(bitPattern: 8)!, from: start, to: buffer.count)
                {
                    commas.append($0)
                }
            }
            #expect(end == expectedEnd, "\(bytes) from \(start)")
            #expect(commas == expectedCommas, "\(bytes) from \(start)")
        }
    }
}
