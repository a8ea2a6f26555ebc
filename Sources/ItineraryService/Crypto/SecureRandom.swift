import Crypto

/// Bytes and numbers from the system CSPRNG (`SystemRandomNumberGenerator` reads getrandom(2)).
enum SecureRandom {
    static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// A uniformly random decimal string of `digits` digits (leading zeros kept).
    static func digits(_ digits: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<digits).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
    }
}
