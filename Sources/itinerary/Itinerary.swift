import ArgumentParser

/// `itinerary`: the telecom itinerary card processor.
@main
struct Itinerary: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "itinerary",
        abstract: "Turns carriers' cell-location feeds into 14-day itinerary cards, and serves them.",
        subcommands: [
            DemoCommand.self, CardsCommand.self, GenerateCommand.self, IngestCommand.self,
            CellsCommand.self, RiskCommand.self, ContactsCommand.self, CardCommand.self, PurgeCommand.self,
            ServeCommand.self, VerifyCommand.self, StreamCommand.self, RejectsCommand.self, SplitCommand.self,
            ShardsCommand.self, KeysCommand.self, PartnersCommand.self,
        ]
    )
}
