import Foundation
import ItineraryCore
import ItineraryFeed

/// Rejected lines as JSON lines: `{"file":…,"line":…,"reason":…,"raw":…}`, every run of 11
/// digits or more in the name and the line masked (`DigitRunMasker`), in an `OutputFile`.
final class RejectFile {
    private let output: OutputFile

    init(path: String) throws {
        output = try OutputFile(path: path)
    }

    func write(_ reject: FeedReject) {
        var writer = JSONWriter()
        writer.beginObject()
        // Kept on disk: masked as the rejects store keeps them.
        writer.string("file", DigitRunMasker.maskedFileName(reject.file))
        writer.int("line", Int64(reject.line))
        writer.string("reason", reject.reason.rawValue)
        writer.string("raw", DigitRunMasker.masked(reject.raw))
        writer.endObject()
        output.append(writer.text)
        output.append("\n")
    }

    /// Puts the complete file in place. - Throws: `OutputError`.
    func finish() throws {
        try output.finish()
    }
}
