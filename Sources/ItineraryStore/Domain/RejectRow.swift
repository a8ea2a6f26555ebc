/// A line that was not applied, as the rejects table keeps it.
public struct RejectRow: Hashable, Sendable {
    public var line: Int
    /// A stable snake_case reason, e.g. `bad_msisdn`, `unknown_cell`, `late`.
    public var reason: String
    /// The raw line with its msisdn masked.
    public var raw: String

    public init(line: Int, reason: String, raw: String) {
        self.line = line
        self.reason = reason
        self.raw = raw
    }
}
