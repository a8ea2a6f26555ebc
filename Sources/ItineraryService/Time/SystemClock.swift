import Foundation

/// The wall clock.
public struct SystemClock: ServiceClock {
    public init() {}

    public func now() -> Int64 { Int64(Date().timeIntervalSince1970.rounded(.down)) }
}
