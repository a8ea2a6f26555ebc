/// Why a whole feed file is refused (docs/feed-format.md): nothing of it is applied.
public enum FeedError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The name does not match `<carrier>-<YYYYMMDDhhmmss>-<seq>.csv.zst`.
    case badFileName(String)
    /// The file could not be read.
    case unreadable(path: String, message: String)
    /// The file, or what it decompresses to, holds no bytes.
    case empty
    /// The zstd stream ends in the middle of a frame.
    case truncated
    /// The zstd data is invalid; the message is zstd's own.
    case corrupt(String)
    /// The first line is not a header naming every required column.
    case missingHeader(missingColumns: [String])
    /// The header names a required column twice.
    case duplicateColumn(String)
    /// The file decompresses to more than the limit (bytes).
    case tooLarge(limit: Int)
    /// The first line is longer than the longest line allowed (bytes).
    case headerTooLong(limit: Int)
    /// The file changed while it was read (its size, times or inode), or its bytes differ
    /// between its check and its parse: it is still being written. It is not applied at all.
    case changedWhileReading

    /// A stable snake_case code for logs and the rejected-files ledger.
    public var code: String {
        switch self {
        case .badFileName: "bad_name"
        case .unreadable: "unreadable"
        case .empty: "empty"
        case .truncated: "truncated"
        case .corrupt: "corrupt"
        case .missingHeader: "missing_header"
        case .duplicateColumn: "duplicate_column"
        case .tooLarge: "too_large"
        case .headerTooLong: "header_too_long"
        case .changedWhileReading: "changed_while_reading"
        }
    }

    public var description: String {
        switch self {
        case .badFileName(let name):
            "file name '\(name)' does not match <carrier>-<YYYYMMDDhhmmss>-<seq>.csv.zst (carriers cmcc, cucc, ctcc, cbn)"
        case .unreadable(let path, let message):
            "cannot read \(path): \(message)"
        case .empty:
            "file is empty"
        case .truncated:
            "zstd stream is truncated: it ends in the middle of a frame"
        case .corrupt(let message):
            "zstd data is corrupt: \(message)"
        case .missingHeader(let columns):
            "header line is missing required column(s): \(columns.joined(separator: ", "))"
        case .duplicateColumn(let column):
            "header names column '\(column)' more than once"
        case .tooLarge(let limit):
            "file decompresses to more than \(limit) bytes (the file size limit)"
        case .headerTooLong(let limit):
            "header line is longer than \(limit) bytes (the line length limit)"
        case .changedWhileReading:
            "file changed while it was being read (still being written?): nothing of it applied"
        }
    }
}
