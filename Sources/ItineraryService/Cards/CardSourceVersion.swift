/// What a ``CardSource`` reports to say whether its cards may have changed: equal versions mean
/// the same data, risk list and contact list.
public struct CardSourceVersion: Hashable, Sendable {
    let stamp: String

    public init(_ stamp: String) {
        self.stamp = stamp
    }
}
