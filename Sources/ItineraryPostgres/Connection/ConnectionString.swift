import CLibPQ
import Foundation

/// Builds and rewrites libpq connection strings (`key=value` conninfo or `postgresql://` URLs).
public enum ConnectionString {
    /// Builds a `key=value` conninfo string, quoting values as libpq requires.
    public static func make(_ parameters: KeyValuePairs<String, String>) -> String {
        parameters.map { "\($0.key)=\(quote($0.value))" }.joined(separator: " ")
    }

    /// Returns `base` (conninfo or URL) pointing at another database on the same server.
    public static func replacingDatabase(in base: String, with database: String) throws -> String {
        let pairs = try parameters(of: base).filter { $0.key != "dbname" } + [("dbname", database)]
        return pairs.map { "\($0.key)=\(quote($0.value))" }.joined(separator: " ")
    }

    /// The parameters a connection string (conninfo or URL) sets, in libpq's keyword order.
    public static func parameters(of connectionString: String) throws -> [(key: String, value: String)] {
        let options = try parse(connectionString)
        defer { PQconninfoFree(options) }
        var pairs: [(key: String, value: String)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { pairs.append((String(cString: keyword), String(cString: value))) }
            option += 1
        }
        return pairs
    }

    /// libpq's default for `keyword`, from its own environment variables (`PGCONNECT_TIMEOUT`
    /// for `connect_timeout`) or built in; nil when there is none.
    static func libpqDefault(of keyword: String) -> String? {
        guard let options = PQconndefaults() else { return nil }
        defer { PQconninfoFree(options) }
        var option = options
        while let name = option.pointee.keyword {
            if String(cString: name) == keyword { return option.pointee.val.map { String(cString: $0) } }
            option += 1
        }
        return nil
    }

    /// Checks the syntax, so a typo is reported as such rather than as an unreachable server.
    static func validate(_ connectionString: String) throws {
        PQconninfoFree(try parse(connectionString))
    }

    private static func parse(_ connectionString: String) throws -> UnsafeMutablePointer<PQconninfoOption> {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            defer { PQfreemem(errorMessage) }
            let reason = errorMessage.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) }
            throw PostgresError(message: "invalid connection string: \(reason ?? "out of memory")")
        }
        return options
    }

    /// Single-quotes a conninfo value, escaping `\` and `'`.
    static func quote(_ value: String) -> String {
        var quoted = "'"
        for character in value {
            if character == "\\" || character == "'" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "'"
    }
}
