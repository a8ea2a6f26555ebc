/// The names in a drop directory that are not (yet) feed files (docs/feed-format.md, "Only
/// whole files"): what `stream` and the directory listings of `ingest`, `cards` and `split` skip.
///
/// As Flink's and Spark's file sources do, a name starting with `.` or `_` is never a delivery
/// (rsync's and our own temporary names, Hadoop's `_SUCCESS`, `_temporary`); nor is a name
/// ending in a suffix that transfer tools give a file while they write it, nor a `.done` marker.
public enum InboxNames {
    /// The marker a carrier may write beside a whole file: `NAME.done` says NAME is complete.
    public static let markerSuffix = ".done"

    /// Suffixes of files still being written, compared without regard to case: the usual
    /// temporary name (`.tmp`, `.temp`), partial downloads and uploads (`.part`, `.partial`,
    /// WinSCP's `.filepart`, Chrome's `.crdownload`, Safari's `.download`, `.inprogress`,
    /// `.uploading`) and editors' backups (`~`).
    public static let temporarySuffixes = [
        ".tmp", ".temp", ".part", ".partial", ".filepart", ".crdownload", ".download", ".inprogress", ".uploading",
        "~",
    ]

    /// Whether a listing skips `name`: hidden, `_`-prefixed, temporary, or a marker.
    public static func isIgnored(_ name: String) -> Bool {
        if name.isEmpty || name.hasPrefix(".") || name.hasPrefix("_") { return true }
        let lowered = name.lowercased()
        return lowered.hasSuffix(markerSuffix) || temporarySuffixes.contains { lowered.hasSuffix($0) }
    }

    /// The marker of a file named `name`.
    public static func marker(of name: String) -> String { name + markerSuffix }
}
