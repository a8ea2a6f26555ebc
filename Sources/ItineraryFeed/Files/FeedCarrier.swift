/// The carriers that deliver feed files, by the id their file names start with.
public enum FeedCarrier: String, Sendable, CaseIterable, Comparable {
    /// China Mobile.
    case cmcc
    /// China Unicom.
    case cucc
    /// China Telecom.
    case ctcc
    /// China Broadnet.
    case cbn

    public static func < (lhs: FeedCarrier, rhs: FeedCarrier) -> Bool { lhs.rawValue < rhs.rawValue }
}
