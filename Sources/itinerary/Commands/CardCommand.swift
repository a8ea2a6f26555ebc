import ArgumentParser
import Foundation
import ItineraryCore
import ItineraryPipeline
import ItineraryStore

/// `itinerary card PHONE`: one phone's card from the store, in the offline command's format.
struct CardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "Print one phone's card from the store (the JSON of `cards`, each place with its names).",
        discussion: """
            Each place carries "name" (浙江省杭州市, 北京市, 日本) after "code" and "name_en" \
            (Hangzhou, Zhejiang) last, as the lookup API gives them; the other fields are those of \
            `cards`, in the same order.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var rules: RuleOptions

    @Option(help: "Time T (RFC 3339 or Unix seconds; default: the newest data time).", transform: parseTime)
    var at: Int64?

    @Argument(
        help: """
            The phone number: 11 digits, optionally after 86 or +86, with spaces, dashes, dots or \
            parentheses anywhere (quoted or not: +86 131 9376 9632).
            """)
    var phone: [String]

    func run() throws {
        let typed = phone.joined(separator: " ")
        let number: Phone
        switch Phone.parse(typed: typed) {
        case .success(let parsed): number = parsed
        case .failure(let problem):
            printError("error: the phone number is not a mainland mobile number: \(problem)")
            throw ExitCode.validationFailure
        }
        let workspace = try store.workspace(create: false)
        defer { workspace.shutdown() }
        let connection = try workspace.connect()
        let key = workspace.keyer.key(for: number)
        // At the data time, the stored card the lookup service and SQL read; at another time, the
        // card computed from the engine state. Both say no data alike (docs/card-states.md). Rule
        // options other than the store's own are refused either way.
        let configuration = try workspace.ruleConfiguration(rules.overrides, recording: false)
        let card: Card?
        if let at {
            let cards = CardStore(configuration: configuration)
            card = try cards.knownCard(for: key, at: at, on: connection).map { _ in
                try cards.exactCard(for: key, at: at, on: connection)
            }
        } else {
            card = try StoredCards.card(for: key, on: connection)
        }
        guard let card else {
            printError("no data for \(number.masked) in this store (never seen, or past retention)")
            throw ExitStatus.noData
        }
        print(card.jsonLine(phone: number, names: workspace.places))
    }
}

/// `itinerary purge --all`: delete every phone's data, as the real service did when it closed.
struct PurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete every phone's data (tracks, visits, cards, rejects, ledger, contacts)."
    )

    @OptionGroup var store: StoreOptions
    @Flag(help: "Required: confirms deleting everything.") var all = false

    func run() throws {
        guard all else { throw ValidationError("purge deletes every phone's data; pass --all to confirm") }
        let workspace = try store.workspace(create: false)
        defer { workspace.shutdown() }
        let store = try PipelineStore(connection: try workspace.connect())
        try ExitStatus.mapWriterLock {
            guard try store.tryLockWriter() else { throw WriterLockError(holder: try store.writerLockHolder()) }
            try WriterIdentity.record(on: store.connection)
        }
        try store.purgeAll()
        printError("purged all phone data")
    }
}
