import ItineraryCore

/// The ledger entry of one applied file: what it was and what became of its lines.
public struct IngestRecord: Hashable, Sendable {
    /// The file's name as kept: every run of 11 digits or more in it masked (`DigitRunMasker`),
    /// the delivery time and a sequence number that is a phone number alike. Nothing reads it
    /// back: the content hash identifies the file.
    public let fileName: String
    /// SHA-256 of the file's bytes: the same content under another name is the same file.
    public var contentHash: [UInt8]
    public var compressedBytes: Int
    public var decompressedBytes: Int
    public var records: Int
    public var accepted: Int
    public var duplicates: Int
    public var late: Int
    public var rejected: Int
    /// The watermark the file was checked against.
    public var watermark: Int64?
    /// Newest event time accepted from the file.
    public var newestEvent: Int64?

    public init(
        fileName: String, contentHash: [UInt8], compressedBytes: Int, decompressedBytes: Int,
        records: Int = 0, accepted: Int = 0, duplicates: Int = 0, late: Int = 0, rejected: Int = 0,
        watermark: Int64? = nil, newestEvent: Int64? = nil
    ) {
        self.fileName = DigitRunMasker.maskedFileName(fileName)
        self.contentHash = contentHash
        self.compressedBytes = compressedBytes
        self.decompressedBytes = decompressedBytes
        self.records = records
        self.accepted = accepted
        self.duplicates = duplicates
        self.late = late
        self.rejected = rejected
        self.watermark = watermark
        self.newestEvent = newestEvent
    }
}
