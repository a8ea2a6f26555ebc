import Foundation
import ItineraryCore
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
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("file", reject.file)
        writer.int("line", Int64(reject.line))
        writer.string("reason", reject.reason.rawValue)
        writer.string("raw", reject.raw)
        writer.endObject()
        buffer.append(contentsOf: writer.text.utf8)
        buffer.append(0x0A)
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
