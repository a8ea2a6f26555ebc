/// Why a typed phone number is not a mainland mobile number, in words that name the fault.
public enum PhoneInputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing but separators (or nothing at all).
    case empty
    /// More than ``Phone/maximumTypedCharacters`` characters.
    case tooLong
    /// A character that is neither a digit nor a separator, as typed.
    case unexpectedCharacter(String)
    /// A `+` that is not at the start.
    case misplacedPlus
    /// A `+` country code other than China's 86.
    case foreignCountryCode
    /// The digits (country code removed) are not 11.
    case digitCount(Int)
    /// Eleven digits that do not start 13 to 19.
    case notMobile

    public var description: String {
        switch self {
        case .empty: "no digits"
        case .tooLong: "longer than \(Phone.maximumTypedCharacters) characters"
        case .unexpectedCharacter(let character): "'\(character)' is not a digit, space, dash, dot or parenthesis"
        case .misplacedPlus: "'+' may only open the number (+86)"
        case .foreignCountryCode: "the country code is not +86 (mainland China)"
        case .digitCount(let count): "\(count) digits where a mobile number has 11 (13 with 86 before them)"
        case .notMobile: "a mainland mobile number starts 13 to 19"
        }
    }
}
