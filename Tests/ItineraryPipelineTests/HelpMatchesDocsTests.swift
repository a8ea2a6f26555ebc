import Foundation
import ItineraryTestTags
import Testing

/// What the help says agrees with the docs.
@Suite(.tags(.integration)) struct HelpMatchesDocsTests {
    /// Files go in delivery order, as docs/feed-format.md defines it, not in plain name order
    /// (which would apply every `cbn` file before any `cmcc` one).
    @Test func ingestHelpGivesTheDeliveryOrderOfTheDocs() throws {
        let help = try NewcomerCLITests.run(["ingest", "--help"]).stdout.replacing(/\s+/, with: " ")
        #expect(help.contains("in delivery order (time in the name, carrier, sequence)"), "\(help)")
        let docs = try String(
            contentsOf: InstallTests.checkout.appendingPathComponent("docs/feed-format.md"), encoding: .utf8)
        #expect(
            docs.replacing(/\s+/, with: " ").contains("in **delivery order**: by the time in the name, then by carrier")
        )
    }
}
