import CZstd
import Crypto

/// Decompresses one pass over a file's compressed bytes (one or more concatenated frames)
/// chunk by chunk, in constant memory, hashing the compressed bytes as they go by.
final class ZstdStream {
    private let context: OpaquePointer
    private let input: CompressedInput
    private var chunk: UnsafeMutableRawBufferPointer
    private var chunkCount = 0
    private var chunkPosition = 0
    private var inputEnded = false
    private var hasher = SHA256()
    /// zstd's hint from the last call that made progress: 0 once every frame is complete.
    private var lastHint = 0
    /// Compressed bytes read so far.
    private(set) var compressedBytes = 0
    /// The first compressed bytes (up to a split stamp's frame), kept for `SplitStamp`.
    private(set) var leadingBytes: [UInt8] = []

    init(_ input: CompressedInput, chunkSize: Int = 256 << 10) throws(FeedError) {
        guard let context = ZSTD_createDCtx() else { throw .corrupt("cannot allocate a decompression context") }
        self.context = context
        self.input = input
        chunk = .allocate(byteCount: chunkSize, alignment: 16)
    }

    deinit {
        ZSTD_freeDCtx(context)
        chunk.deallocate()
    }

    /// SHA-256 of every compressed byte read; complete once `read` has returned 0.
    func contentHash() -> [UInt8] { Array(hasher.finalize()) }

    /// Decompresses into the front of `destination`; returns the bytes written, 0 only at the
    /// end of the stream.
    /// - Throws: `.empty` for no input, `.truncated` when the input ends mid-frame, `.corrupt`
    ///   with zstd's message for invalid data, `.unreadable` when reading fails.
    func read(into destination: UnsafeMutableRawBufferPointer) throws(FeedError) -> Int {
        while true {
            if chunkPosition == chunkCount, !inputEnded {
                chunkCount = try input.read(into: chunk)
                chunkPosition = 0
                if chunkCount == 0 {
                    inputEnded = true
                    if compressedBytes == 0 { throw .empty }
                } else {
                    if compressedBytes < SplitStamp.frameBytes {
                        leadingBytes += chunk[0..<min(chunkCount, SplitStamp.frameBytes - compressedBytes)]
                    }
                    compressedBytes += chunkCount
                    hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: chunk[0..<chunkCount]))
                }
            }
            var source = ZSTD_inBuffer(src: chunk.baseAddress, size: chunkCount, pos: chunkPosition)
            var output = ZSTD_outBuffer(dst: destination.baseAddress, size: destination.count, pos: 0)
            let code = ZSTD_decompressStream(context, &output, &source)
            if ZSTD_isError(code) != 0 { throw .corrupt(String(cString: ZSTD_getErrorName(code))) }
            if source.pos > chunkPosition || output.pos > 0 { lastHint = code }
            chunkPosition = source.pos
            if output.pos > 0 { return output.pos }
            if inputEnded, chunkPosition == chunkCount {
                // Nothing more comes out and nothing goes in: a frame left unfinished is a truncation.
                guard lastHint == 0 else { throw .truncated }
                return 0
            }
        }
    }
}
