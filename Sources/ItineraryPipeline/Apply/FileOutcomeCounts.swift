import ItineraryFeed

/// What became of a file's lines: every line read is exactly one of accepted, duplicate, late
/// or rejected (by reason), so nothing is lost silently.
public struct FileOutcomeCounts: Hashable, Sendable {
    public var records = 0
    public var accepted = 0
    public var duplicates = 0
    public var late = 0
    public var rejected: [FeedRejectReason: Int] = [:]

    public init() {}

    public var rejectedCount: Int { rejected.values.reduce(0, +) }

    /// Adds another file's counts.
    public static func += (lhs: inout FileOutcomeCounts, rhs: FileOutcomeCounts) {
        lhs.records += rhs.records
        lhs.accepted += rhs.accepted
        lhs.duplicates += rhs.duplicates
        lhs.late += rhs.late
        lhs.rejected.merge(rhs.rejected, uniquingKeysWith: +)
    }

    /// One line a person can read: `records 120 accepted 100 duplicate 5 late 3 rejected 12 (bad_msisdn 4, …)`.
    public var summary: String {
        var text =
            "records \(records) accepted \(accepted) duplicate \(duplicates) late \(late) rejected \(rejectedCount)"
        if !rejected.isEmpty {
            text +=
                " ("
                + rejected.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
                + ")"
        }
        return text
    }
}
