/// Comparison whose running time does not depend on where two secrets differ.
enum ConstantTime {
    /// True when `lhs` and `rhs` are equal; examines every byte when the lengths match.
    static func equal(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
        return difference == 0
    }
}
