/// What became of a file's records that were not late, once the engine applied them.
struct AppliedCounts: Hashable, Sendable {
    var accepted = 0
    var duplicates = 0

    static func += (lhs: inout AppliedCounts, rhs: AppliedCounts) {
        lhs.accepted += rhs.accepted
        lhs.duplicates += rhs.duplicates
    }
}
