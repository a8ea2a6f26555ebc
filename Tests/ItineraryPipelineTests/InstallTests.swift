import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryStore
import ItineraryTestSupport
import ItineraryTestTags
import Testing

/// Installed under a prefix, the program works from any directory: its migrations, reference
/// data and samples travel with it.
@Suite(.tags(.integration), .serialized) struct InstallTests {
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theInstalledBinaryRunsFromAnotherDirectory() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "install-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let prefix = scratch.appendingPathComponent("prefix")
        let elsewhere = scratch.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let install = try PipelineHarness.run(
            Self.checkout.appendingPathComponent("scripts/install"),
            ["--from", PipelineHarness.executable.deletingLastPathComponent().path, prefix.path], in: elsewhere)
        #expect(install.status == 0, "\(install.stderr)")
        let binary = prefix.appendingPathComponent("bin/itinerary")
        let samples = prefix.appendingPathComponent("share/itinerary/Samples")
        try Self.checkCompletions(under: prefix)

        let cards = try PipelineHarness.run(
            binary,
            [
                "cards", "--cells", samples.appendingPathComponent("cells.csv").path, "--risk",
                samples.appendingPathComponent("risk.csv").path,
                "--contacts", samples.appendingPathComponent("contacts.csv").path,
                "--at", "2022-05-15T00:00:00Z", "--now", "2022-05-15T00:00:00Z",
                samples.appendingPathComponent("feeds").path,
            ], in: elsewhere)
        #expect(cards.status == 0)
        #expect(
            cards.stdout
                == (try String(contentsOf: samples.appendingPathComponent("expected-cards.jsonl"), encoding: .utf8)))

        // The store's migrations come from the install too.
        let database = try SharedTestDatabase.makeScratchDatabase(label: "install")
        let store = ["--database", database, "--state", scratch.appendingPathComponent("state").path]
        #expect(
            try PipelineHarness.run(
                binary, ["cells", "load"] + store + [samples.appendingPathComponent("cells.csv").path], in: elsewhere
            ).status == 0)
        let ingest = try PipelineHarness.run(
            binary, ["ingest"] + store + [samples.appendingPathComponent("feeds").path], in: elsewhere)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let phone = try #require(cards.stdout.firstMatch(of: /"phone":"(\d{11})"/).map { String($0.1) })
        // Typed as a person would, in four words; the places come with their names.
        let spaced = ["+86", String(phone.prefix(3)), String(phone.dropFirst(3).prefix(4)), String(phone.suffix(4))]
        let card = try PipelineHarness.run(binary, ["card"] + store + spaced, in: elsewhere)
        #expect(card.status == 0)
        #expect(card.stdout.contains("\"phone\":\"\(phone)\""))
        let object = try JSONSerialization.jsonObject(with: Data(card.stdout.utf8))
        let places = try #require((object as? [String: Any])?["places"] as? [[String: Any]])
        let directory = try PlaceDirectory.bundled()
        #expect(!places.isEmpty)
        for place in places {
            let text = place["code"] as? String ?? ""
            let code = try #require(PlaceCode(text))
            #expect(place["name"] as? String == directory.displayName(code))
            #expect(place["name_en"] as? String == directory.displayNameEn(code))
        }
        #expect(directory.displayName(PlaceCode("410100")!) == "河南省郑州市")
        // A phone the store has never seen is said so, with its own status.
        let unknown = try PipelineHarness.run(binary, ["card"] + store + ["19999999999"], in: elsewhere)
        #expect(unknown.status == 5 && unknown.stdout.isEmpty && unknown.stderr.contains("no data for 199****9999"))
    }

    /// The install puts the shell completions where bash-completion, zsh and fish look; bash's
    /// completes the subcommands once sourced.
    static func checkCompletions(under prefix: URL) throws {
        let bash = prefix.appendingPathComponent("share/bash-completion/completions/itinerary").path
        let script = """
            shopt -s extglob; source "$1"; complete -p itinerary
            COMP_LINE="itinerary "; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(itinerary ""); COMP_CWORD=1
            _itinerary; printf '%s\n' "${COMPREPLY[@]}"
            """
        let completed = try PipelineHarness.run(URL(fileURLWithPath: "/bin/bash"), ["-c", script, "bash", bash])
        #expect(completed.status == 0, "\(completed.stderr)")
        let lines = completed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasSuffix(" itinerary") == true, "\(completed.stdout)")
        #expect(Set(["ingest", "stream", "serve", "card", "cards"]).isSubset(of: lines), "\(completed.stdout)")
        let zsh = try String(
            contentsOf: prefix.appendingPathComponent("share/zsh/site-functions/_itinerary"), encoding: .utf8)
        #expect(zsh.hasPrefix("#compdef itinerary"))
        let fish = try String(
            contentsOf: prefix.appendingPathComponent("share/fish/vendor_completions.d/itinerary.fish"), encoding: .utf8
        )
        #expect(fish.contains("complete -c 'itinerary'"))
    }

    @Test func readOnlyCommandsNeverCreateACluster() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent(
            "no-such-state-\(UUID().uuidString.prefix(8))")
        for arguments in [["card", "13800138000"], ["serve", "--port", "0"]] {
            let result = try PipelineHarness.run(
                PipelineHarness.executable, arguments + ["--state", state.path],
                in: FileManager.default.temporaryDirectory)
            #expect(result.status == 1)
            #expect(result.stderr.contains("no embedded cluster under \(state.path)"))
            #expect(!FileManager.default.fileExists(atPath: state.path))
        }
    }

    @Test func aMistypedOptionIsReportedAsUnknown() throws {
        let result = try PipelineHarness.run(
            PipelineHarness.executable, ["cards", "--cell", "x.csv", "--at", "0", "feeds"],
            in: FileManager.default.temporaryDirectory)
        #expect(result.status == 64 && result.stderr.contains("Unknown option '--cell'"))
    }
}
