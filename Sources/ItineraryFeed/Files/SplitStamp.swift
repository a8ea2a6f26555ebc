/// What a shard's part of a split feed file carries about the whole file (docs/feed-format.md):
/// the newest valid event time among all its records, so every shard moves its watermark as a
/// single node applying the whole file would, and the whole file's content hash, so two parts
/// are the same file exactly when their sources were.
///
/// It travels as a zstd skippable frame at the very start of the file (magic `0x184D2A5C`),
/// which decompressors pass over: a split file is still an ordinary feed file.
public struct SplitStamp: Hashable, Sendable {
    /// Newest event time of the whole file's valid records; nil when it had none.
    public var newestEvent: Int64?
    /// SHA-256 of the whole file's compressed bytes.
    public var sourceHash: [UInt8]

    public init(newestEvent: Int64?, sourceHash: [UInt8]) {
        precondition(sourceHash.count == 32, "a source hash is a SHA-256 digest")
        self.newestEvent = newestEvent
        self.sourceHash = sourceHash
    }

    static let magic: UInt32 = 0x184D_2A5C
    static let tag: [UInt8] = Array("ITS1".utf8)
    static let payloadBytes = 4 + 8 + 32
    /// Bytes of the whole frame: magic, payload size, payload.
    public static let frameBytes = 8 + payloadBytes

    /// The skippable frame to put before the file's data.
    public var frame: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.frameBytes)
        bytes += Self.littleEndian(UInt64(Self.magic), count: 4)
        bytes += Self.littleEndian(UInt64(Self.payloadBytes), count: 4)
        bytes += Self.tag
        bytes += Self.littleEndian(UInt64(bitPattern: newestEvent ?? .min), count: 8)
        bytes += sourceHash
        return bytes
    }

    /// Reads the stamp from the first bytes of a file; nil when they do not start with one.
    init?(leading bytes: some Collection<UInt8>) {
        let bytes = Array(bytes.prefix(Self.frameBytes))
        guard bytes.count == Self.frameBytes,
            Self.value(bytes[0..<4]) == UInt64(Self.magic),
            Self.value(bytes[4..<8]) == UInt64(Self.payloadBytes),
            Array(bytes[8..<12]) == Self.tag
        else { return nil }
        let newest = Int64(bitPattern: Self.value(bytes[12..<20]))
        self.init(newestEvent: newest == .min ? nil : newest, sourceHash: Array(bytes[20..<52]))
    }

    private static func littleEndian(_ value: UInt64, count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }

    private static func value(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}
