import Foundation
import ItineraryTestTags
import Testing

/// `itinerary --version` prints the one version, which agrees with CHANGELOG.md.
@Suite(.tags(.integration)) struct VersionTests {
    @Test func versionIsTheChangelogsNewestReleaseMarkedDevWhileChangesAreUnreleased() throws {
        let result = try NewcomerCLITests.run(["--version"])
        #expect(result.status == 0)
        let printed = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let changelog = try String(
            contentsOf: InstallTests.checkout.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
        let newest = try #require(changelog.firstMatch(of: /\n## \[(\d+\.\d+\.\d+)\]/).map { String($0.1) })
        // Changes under [Unreleased] (a line starting "- " before the newest release's heading).
        let unreleased = changelog.components(separatedBy: "\n## [\(newest)]")[0]
            .components(separatedBy: "## [Unreleased]").dropFirst().joined()
            .split(separator: "\n").contains { $0.hasPrefix("- ") }
        #expect(printed == newest + (unreleased ? "+dev" : ""), "printed \(printed); CHANGELOG's newest \(newest)")
        // Subcommands answer it too, as a newcomer may ask there.
        #expect(try NewcomerCLITests.run(["ingest", "--version"]).stdout.contains(printed))
    }
}
