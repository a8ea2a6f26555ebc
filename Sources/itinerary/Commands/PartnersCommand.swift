import ArgumentParser
import Foundation
import ItineraryCore
import ItineraryPipeline
import ItineraryService

/// `itinerary partners add|list|rotate|revoke`: the lookup services (docs/partner-api.md).
struct PartnersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partners",
        abstract:
            "Manage the lookup services (health-code platforms) that read cards for people (docs/partner-api.md).",
        subcommands: [
            PartnersAddCommand.self, PartnersListCommand.self, PartnersRotateCommand.self,
            PartnersRevokeCommand.self,
        ]
    )
}

/// `itinerary partners add NAME`: prints the client id and secret once.
struct PartnersAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Register a lookup service; prints its client id and secret (shown only now).")

    @OptionGroup var store: StoreOptions

    @Option(help: "Requests per second (a token bucket with bursts of as many).")
    var rps = PartnerRegistry.Terms().requestsPerSecond

    @Option(help: "Card reads per day (relayed or under consent).")
    var readsPerDay = PartnerRegistry.Terms().readsPerDay

    @Option(help: "What it may do, comma-separated: relay (codes by SMS), consent (re-reads under a standing consent).")
    var scopes = "relay,consent"

    @Argument(help: "The name people see in the SMS and on the card page, e.g. 某某健康码.")
    var name: String

    func run() throws {
        guard PartnerRegistry.isName(name) else {
            throw ValidationError("the name must be 1 to 32 characters, without control characters or outer spaces")
        }
        guard rps > 0, readsPerDay > 0 else { throw ValidationError("--rps and --reads-per-day must be positive") }
        let parsed = scopes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let scopeSet = Set(parsed.compactMap(PartnerScope.init(rawValue:)))
        guard scopeSet.count == parsed.count, !scopeSet.isEmpty else {
            throw ValidationError("--scopes takes relay and/or consent, comma-separated")
        }
        let workspace = try store.workspace(create: false)
        defer { workspace.shutdown() }
        let (clientID, secret) = try PartnerRegistry.add(
            name: name, terms: .init(requestsPerSecond: rps, readsPerDay: readsPerDay, scopes: scopeSet),
            at: SystemClock().now(), on: workspace.connect())
        print("client_id\t\(clientID)")
        print("client_secret\t\(secret)")
        printError("keep the secret now: only its hash is stored (a lost secret is replaced with `partners rotate`)")
    }
}

/// `itinerary partners list`.
struct PartnersListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the lookup services.")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let workspace = try store.workspace(create: false)
        defer { workspace.shutdown() }
        print("client_id\tname\trps\treads_per_day\tscopes\tcreated_at\tsecret_changed_at\trevoked_at")
        for partner in try PartnerRegistry.all(on: workspace.connect()) {
            let fields = [
                partner.clientID, partner.name, String(partner.requestsPerSecond), String(partner.readsPerDay),
                partner.scopes.sorted().map(\.rawValue).joined(separator: ","), UTCTimestamp.format(partner.createdAt),
                UTCTimestamp.format(partner.secretChangedAt), partner.revokedAt.map { UTCTimestamp.format($0) } ?? "-",
            ]
            print(fields.joined(separator: "\t"))
        }
    }
}

/// `itinerary partners rotate ID`: a new secret; the old one's tokens are refused within seconds.
struct PartnersRotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Give a lookup service a new secret (printed once); tokens of the old one are refused within seconds."
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The client id, as `partners list` shows it.")
    var clientID: String

    func run() throws {
        let workspace = try store.workspace(create: false)
        defer { workspace.shutdown() }
        guard let secret = try PartnerRegistry.rotate(clientID, at: SystemClock().now(), on: workspace.connect()) else {
            throw ValidationError("no live partner has client id '\(clientID)'")
        }
        print("client_id\t\(clientID)")
        print("client_secret\t\(secret)")
    }
}

/// `itinerary partners revoke ID`: every running service refuses it within seconds.
struct PartnersRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a lookup service: every service on this store refuses it within seconds.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The client id, as `partners list` shows it.")
    var clientID: String

    func run() throws {
        let workspace = try store.workspace(create: false)
        defer { workspace.shutdown() }
        guard try PartnerRegistry.revoke(clientID, at: SystemClock().now(), on: workspace.connect()) else {
            throw ValidationError("no live partner has client id '\(clientID)'")
        }
        printError("revoked \(clientID): services on this store refuse it within seconds")
    }
}
