import Foundation
import ItineraryTestTags
import Testing

/// `deploy/systemd/itinerary.env` means the same to systemd's `EnvironmentFile=` and to a shell
/// (`set -a; . itinerary.env`), as shipped and with every commented example switched on.
@Suite(.tags(.integration)) struct EnvironmentFileTests {
    static let file = InstallTests.checkout.appendingPathComponent("deploy/systemd/itinerary.env")

    @Test(arguments: [false, true])
    func systemdAndAShellReadTheSameValues(examplesOn: Bool) throws {
        var text = try String(contentsOf: Self.file, encoding: .utf8)
        if examplesOn { text = text.replacing(/(?m)^#([A-Z_][A-Z0-9_]*=)/) { String($0.1) } }
        let systemd = try SystemdEnvironmentFile.parse(text)
        #expect(systemd["ITINERARY_STATE"] == "/var/lib/itinerary")
        #expect(examplesOn == (systemd["DATABASE_URL"] != nil))
        let shell = try Self.sourcedByBash(text, names: Array(systemd.keys))
        #expect(shell == systemd, "bash: \(shell)\nsystemd: \(systemd)")
        for (name, value) in systemd {
            #expect(!value.contains { "$`\\".contains($0) }, "\(name): systemd and a shell differ on $, ` and \\")
        }
        // ExecStart's unquoted $SERVE_ARGS is split at whitespace into the words the command gets.
        #expect(
            systemd["SERVE_ARGS"]?.split(separator: " ").starts(with: ["--host", "127.0.0.1", "--port", "8080"]) == true
        )
        #expect(systemd["STREAM_ARGS"]?.split(separator: " ").first == "--inbox")
    }

    /// The systemd parser below reads quoting as systemd does.
    @Test func theSystemdReadingFollowsItsQuoteRules() throws {
        let parsed = try SystemdEnvironmentFile.parse(
            """
            # comment
            ; comment too
              A=plain value   
            B="two  words" 
            C='single $quoted'
            D="escaped \\" quote"
            not an assignment
            E=
            """)
        #expect(
            parsed == ["A": "plain value", "B": "two  words", "C": "single $quoted", "D": "escaped \" quote", "E": ""])
        #expect(throws: SystemdEnvironmentFile.Unterminated.self) { try SystemdEnvironmentFile.parse("F=\"open") }
    }

    /// The values bash gives `names` after `set -a; . FILE`, read back NUL-separated.
    static func sourcedByBash(_ text: String, names: [String]) throws -> [String: String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("env-\(UUID().uuidString).env")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let script =
            "set -eu -o pipefail; set -a; . \"$1\"; shift; for name; do printf '%s=%s\\0' \"$name\" \"${!name-}\"; done"
        let result = try PipelineHarness.run(
            URL(fileURLWithPath: "/bin/bash"), ["-c", script, "bash", file.path] + names)
        #expect(result.status == 0 && result.stderr.isEmpty, "bash: \(result.stderr)")
        var values: [String: String] = [:]
        for pair in result.stdout.split(separator: "\0") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            values[String(parts[0])] = String(parts[1])
        }
        return values
    }
}

/// An `EnvironmentFile=` read by systemd's rules (systemd.exec(5)): one assignment a line;
/// empty lines, lines starting `#` or `;` and lines without `=` ignored; leading whitespace and
/// that around an unquoted value dropped; a value in double quotes keeps its spaces and takes
/// `\"`, `\\`, `\$` and `` \` `` escapes; one in single quotes is taken as it is.
enum SystemdEnvironmentFile {
    struct Unterminated: Error {}

    static func parse(_ text: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard let first = trimmed.first, first != "#", first != ";", let equals = trimmed.firstIndex(of: "=")
            else { continue }
            let name = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            var rest = Substring(trimmed[trimmed.index(after: equals)...].drop { $0 == " " || $0 == "\t" })
            var value = ""
            if let quote = rest.first, quote == "\"" || quote == "'" {
                rest = rest.dropFirst()
                var closed = false
                while let character = rest.popFirst() {
                    if character == quote {
                        closed = true
                        break
                    }
                    if quote == "\"", character == "\\", let next = rest.first, "\"\\$`".contains(next) {
                        value.append(next)
                        rest = rest.dropFirst()
                    } else {
                        value.append(character)
                    }
                }
                guard closed, rest.allSatisfy({ $0 == " " || $0 == "\t" }) else { throw Unterminated() }
            } else {
                value = rest.trimmingCharacters(in: .whitespaces)
            }
            result[name] = value
        }
        return result
    }
}
