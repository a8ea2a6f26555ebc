/// Decompresses zstd bytes held in memory (one or more concatenated frames), for tools and tests;
/// feed files go through `FeedFile`, which streams.
public enum ZstdDecompressor {
    /// Decompresses every frame of `compressed`.
    /// - Throws: `FeedError.empty` for no input, `.truncated` if the input ends mid-frame,
    ///   `.corrupt` with zstd's message for invalid data.
    public static func decompress(_ compressed: [UInt8]) throws(FeedError) -> [UInt8] {
        let stream = try ZstdStream(CompressedInput(bytes: compressed))
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 128 << 10, alignment: 16)
        defer { chunk.deallocate() }
        var output: [UInt8] = []
        while case let count = try stream.read(into: chunk), count > 0 {
            output.append(contentsOf: chunk[0..<count])
        }
        return output
    }
}
