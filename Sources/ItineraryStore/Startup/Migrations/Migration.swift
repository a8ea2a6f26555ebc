/// One schema migration: a file `SQL/<version>_<name>.sql`.
public struct Migration: Sendable, Hashable {
    /// The number the file name starts with; migrations apply in increasing order.
    public let version: Int
    /// The rest of the file name, without the extension.
    public let name: String
    /// The statements, run as one script inside the migration's transaction.
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Parses `0001_core.sql` into `(1, "core")`; nil when the name does not follow the pattern.
    static func parseFileName(_ fileName: String) -> (version: Int, name: String)? {
        guard fileName.hasSuffix(".sql"), let separator = fileName.firstIndex(of: "_") else { return nil }
        let digits = fileName[..<separator]
        let name = fileName[fileName.index(after: separator)...].dropLast(4)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), !name.isEmpty,
            let version = Int(digits)
        else { return nil }
        return (version, String(name))
    }
}
