import CZstd

/// Decompresses a whole zstd file (one or more concatenated frames) into one contiguous buffer.
///
/// The whole file is decompressed and verified before anything is applied, so a corrupt or
/// truncated file is refused whole rather than half-applied.
public enum ZstdDecompressor {
    /// The least the output grows by when full (it doubles otherwise).
    private static let minimumRoom = 128 << 10

    /// Decompresses every frame of `compressed`.
    /// - Throws: `FeedError.empty` for no input, `.truncated` if the input ends mid-frame,
    ///   `.corrupt` with zstd's message for invalid data.
    public static func decompress(_ compressed: [UInt8]) throws(FeedError) -> [UInt8] {
        guard !compressed.isEmpty else { throw .empty }
        guard let context = ZSTD_createDCtx() else { throw .corrupt("cannot allocate a decompression context") }
        defer { ZSTD_freeDCtx(context) }

        var output = [UInt8](repeating: 0, count: initialCapacity(for: compressed))
        var produced = 0
        var remainingHint: Int = 0
        var consumed = 0
        var outputWasFull = false
        // Loop until all input is consumed and zstd had room to flush everything it holds.
        while consumed < compressed.count || outputWasFull {
            if produced == output.count {
                output.append(contentsOf: repeatElement(0, count: max(output.count, minimumRoom)))
            }
            let code = compressed.withUnsafeBytes { source in
                output.withUnsafeMutableBytes { destination in
                    var input = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: consumed)
                    var out = ZSTD_outBuffer(dst: destination.baseAddress! + produced, size: destination.count - produced, pos: 0)
                    let code = ZSTD_decompressStream(context, &out, &input)
                    consumed = input.pos
                    produced += out.pos
                    outputWasFull = out.pos == out.size
                    return code
                }
            }
            if ZSTD_isError(code) != 0 { throw .corrupt(String(cString: ZSTD_getErrorName(code))) }
            remainingHint = code
        }
        // A non-zero hint after the last byte means zstd still expects more of the current frame.
        guard remainingHint == 0 else { throw .truncated }
        output.removeSubrange(produced...)
        return output
    }

    /// The total size the frame headers declare when they all do, else a multiple of the input;
    /// one byte more so that a correct guess leaves zstd room to finish.
    private static func initialCapacity(for compressed: [UInt8]) -> Int {
        let fallback = compressed.count * 6 + minimumRoom
        // A lying header must not make us allocate gigabytes.
        let plausible = UInt64(compressed.count) * 256 + UInt64(minimumRoom)
        return compressed.withUnsafeBytes { bytes in
            var offset = 0
            var declared: UInt64 = 0
            while offset < bytes.count {
                let start = bytes.baseAddress! + offset
                let size = ZSTD_getFrameContentSize(start, bytes.count - offset)
                let length = ZSTD_findFrameCompressedSize(start, bytes.count - offset)
                // Unknown and error sizes are huge sentinels.
                guard ZSTD_isError(length) == 0, size <= plausible else { return fallback }
                declared += size
                offset += length
            }
            return declared <= plausible ? Int(declared) + 1 : fallback
        }
    }
}
