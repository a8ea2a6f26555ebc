import ArgumentParser
import ItineraryFeed

/// Caps that keep a feed command's memory bounded whatever the files hold.
struct FeedLimitOptions: ParsableArguments {
    @Option(help: "Largest decompressed feed file in bytes; a larger one is refused whole.")
    var maxFileBytes = FeedLimits.standard.maxFileBytes

    @Option(help: "Longest feed line in bytes; a longer one is rejected (line_too_long) and skipped.")
    var maxLineBytes = FeedLimits.standard.maxLineBytes

    func validate() throws {
        guard maxFileBytes > 0 else { throw ValidationError("--max-file-bytes must be positive") }
        guard maxLineBytes >= 256 else { throw ValidationError("--max-line-bytes must be at least 256") }
    }

    var limits: FeedLimits {
        FeedLimits(maxFileBytes: maxFileBytes, maxLineBytes: maxLineBytes)
    }
}
