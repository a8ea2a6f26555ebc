import ArgumentParser
import Foundation

/// `itinerary`: the telecom itinerary card processor.
@main
struct Itinerary: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "itinerary",
        abstract: "Turns carriers' cell-location feeds into 14-day itinerary cards, and serves them.",
        version: Version.number,
        subcommands: [
            DemoCommand.self, CardsCommand.self, GenerateCommand.self, IngestCommand.self,
            CellsCommand.self, RiskCommand.self, ContactsCommand.self, CardCommand.self, PurgeCommand.self,
            ServeCommand.self, VerifyCommand.self, StreamCommand.self, RejectsCommand.self, SplitCommand.self,
            ShardsCommand.self, KeysCommand.self, PartnersCommand.self,
        ]
    )

    /// Runs the command as swift-argument-parser does, with file-system errors put in words
    /// (``FileProblem``) instead of Foundation's raw domain and code.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: FileProblem(error) ?? error)
        }
    }
}
