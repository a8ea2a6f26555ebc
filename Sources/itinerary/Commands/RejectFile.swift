import Foundation
import ItineraryFeed

/// Rejected lines as JSON lines: `{"file":…,"line":…,"reason":…,"raw":…}`.
final class RejectFile {
    private let handle: FileHandle
    private var buffer = Data()

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func write(_ reject: FeedReject) {
        let object: [String: Any] = [
            "file": reject.file, "line": reject.line, "reason": reject.reason.rawValue, "raw": reject.raw,
        ]
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
            buffer.append(data)
            buffer.append(0x0A)
        }
        if buffer.count > 1 << 20 { flush() }
    }

    func close() {
        flush()
        try? handle.close()
    }

    private func flush() {
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
