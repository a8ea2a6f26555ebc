import CZstd

/// zstd compression for the generator and tests (the pipeline only decompresses).
///
/// Frames carry a content checksum, as the `zstd` command line writes them, so corruption
/// is detected rather than decoded into wrong bytes.
public enum ZstdCompressor {
    /// Compresses `bytes` into one frame.
    public static func compress(_ bytes: [UInt8], level: Int = 3) -> [UInt8] {
        Context(level: level).compress(bytes)
    }

    /// A compression context kept for many frames: setting one up costs more than compressing
    /// a small frame (the split step writes many).
    public final class Context {
        private let context: OpaquePointer

        public init(level: Int = 3) {
            // Allocation fails only when memory is exhausted.
            context = ZSTD_createCCtx()!
            ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, Int32(level))
            ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        }

        deinit { ZSTD_freeCCtx(context) }

        /// Compresses `bytes` into one frame.
        public func compress(_ bytes: [UInt8]) -> [UInt8] {
            var output = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
            let written = bytes.withUnsafeBytes { source in
                output.withUnsafeMutableBytes { destination in
                    ZSTD_compress2(
                        context, destination.baseAddress, destination.count, source.baseAddress, source.count)
                }
            }
            // Compressing into a buffer of compressBound bytes cannot fail short of memory exhaustion.
            precondition(ZSTD_isError(written) == 0, String(cString: ZSTD_getErrorName(written)))
            output.removeSubrange(written...)
            return output
        }
    }

    /// Compresses each chunk into its own frame and concatenates the frames, as a carrier
    /// appending to a feed file would.
    public static func compress(frames chunks: [[UInt8]], level: Int = 3) -> [UInt8] {
        var output: [UInt8] = []
        for chunk in chunks { output += compress(chunk, level: level) }
        return output
    }
}
