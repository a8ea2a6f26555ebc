import Foundation

/// An `application/x-www-form-urlencoded` body (the OAuth token request, RFC 6749 §4.4.2):
/// `+` is a space, `%XX` a byte; a name given twice keeps its first value.
struct FormBody: Sendable, Hashable {
    private var fields: [String: String] = [:]

    /// `nil` when a name or value is not valid percent-encoded UTF-8.
    init?(_ bytes: some Collection<UInt8>) {
        for pair in bytes.split(separator: UInt8(ascii: "&")) where !pair.isEmpty {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            else { return nil }
            if fields[name] == nil { fields[name] = value }
        }
    }

    subscript(_ name: String) -> String? { fields[name] }

    /// A form component: `+` → space, then percent-decoding.
    static func decode(_ bytes: some Collection<UInt8>) -> String? {
        String(decoding: bytes.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
            .removingPercentEncoding
    }

    /// Whether a `Content-Type` names this form.
    static func isForm(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased() == "application/x-www-form-urlencoded"
    }

    /// The client id and secret of an `Authorization: Basic` value, each form-decoded as RFC 6749
    /// §2.3.1 asks; `nil` for another scheme or a malformed value.
    static func basicCredentials(_ authorization: String) -> (id: String, secret: String)? {
        guard let space = authorization.firstIndex(of: " "), authorization[..<space].lowercased() == "basic",
            let decoded = Data(base64Encoded: authorization[space...].trimmingCharacters(in: .whitespaces)),
            let colon = decoded.firstIndex(of: UInt8(ascii: ":")),
            let id = decode(decoded[..<colon]), let secret = decode(decoded[(colon + 1)...])
        else { return nil }
        return (id, secret)
    }
}
