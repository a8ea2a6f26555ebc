import ItineraryTestTags
import PropertyBased
import Testing

@testable import ItineraryFeed

@Suite(.tags(.unit)) struct ZstdTests {
    @Test func roundTripProperty() async {
        await propertyCheck(count: 60, input: Gen.uint8().array(of: 0...5000), Gen.int(in: 1...19)) {
            (bytes: [UInt8], level: Int) async throws in
            let compressed = ZstdCompressor.compress(bytes, level: level)
            #expect(try ZstdDecompressor.decompress(compressed) == bytes)
        }
    }

    @Test func concatenatedFramesDecompressAsOne() throws {
        let parts: [[UInt8]] = [
            Array("header\n".utf8), Array(repeating: 65, count: 3_000_000), [], Array("tail\n".utf8),
        ]
        let compressed = ZstdCompressor.compress(frames: parts)
        #expect(try ZstdDecompressor.decompress(compressed) == parts.flatMap { $0 })
    }

    @Test func largeOutputGrowsPastTheFirstGuess() throws {
        // Highly compressible: the output is hundreds of times the input.
        let bytes = [UInt8](repeating: 7, count: 8_000_000)
        #expect(try ZstdDecompressor.decompress(ZstdCompressor.compress(bytes)) == bytes)
    }

    @Test func anyStrictPrefixOfAFrameIsRefused() async {
        await propertyCheck(count: 40, input: Gen.uint8().array(of: 1...3000)) { (bytes: [UInt8]) async throws in
            let compressed = ZstdCompressor.compress(bytes)
            let cut = Int.random(in: 1..<compressed.count)
            #expect(throws: FeedError.self) { try ZstdDecompressor.decompress(Array(compressed.prefix(cut))) }
        }
    }

    @Test func cuttingTheLastBytesIsTruncation() throws {
        let text = Array(String(repeating: "13800138000,1651392000,460,00,4113,12345,lu\n", count: 2000).utf8)
        let compressed = ZstdCompressor.compress(frames: [text, text])
        for cut in 1...8 {
            #expect(throws: FeedError.truncated) { try ZstdDecompressor.decompress(Array(compressed.dropLast(cut))) }
        }
    }

    @Test func corruptBytesAreRefused() throws {
        let text = Array(String(repeating: "13800138000,1651392000,460,00,4113,12345,lu\n", count: 500).utf8)
        var compressed = ZstdCompressor.compress(text)
        compressed[compressed.count / 2] ^= 0xFF
        compressed[compressed.count / 2 + 1] ^= 0x5A
        #expect(throws: FeedError.self) { try ZstdDecompressor.decompress(compressed) }
        #expect(throws: FeedError.corrupt("Unknown frame descriptor")) {
            try ZstdDecompressor.decompress(Array("not zstd at all".utf8))
        }
        #expect(throws: FeedError.empty) { try ZstdDecompressor.decompress([]) }
    }

    @Test func garbageAfterAFrameIsRefused() throws {
        let compressed = ZstdCompressor.compress(Array("a,b\n".utf8)) + [1, 2, 3, 4, 5, 6, 7, 8]
        #expect(throws: FeedError.self) { try ZstdDecompressor.decompress(compressed) }
    }
}
