import ArgumentParser
import Foundation
import ItineraryCore
import ItineraryPipeline
import ItineraryService

/// `itinerary keys list|revoke`: the attestation signing keys, and withdrawing one.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "List the attestation signing keys, or withdraw one (docs/http-api.md, \"Withdrawing a key\").",
        subcommands: [KeysListCommand.self, KeysRevokeCommand.self]
    )
}

/// `itinerary keys list`: every key published in the state directory and every withdrawn one.
struct KeysListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the published keys (<state>/attestation-ed25519*.pub) and the withdrawn ones (the store)."
    )

    @OptionGroup var store: StoreOptions

    func run() throws {
        let workspace = try store.workspace(create: false)
        defer { workspace.shutdown() }
        let revocations = try KeyRevocations.all(on: workspace.connect())
        let directory = workspace.stateDirectory.path
        let current = AttestationKeyFiles.currentKeyID(inDirectory: directory)
        let published = AttestationKeyFiles.keyIDs(inDirectory: directory)
        let revoked = Dictionary(revocations.map { ($0.keyID, $0) }, uniquingKeysWith: { first, _ in first })
        print("kid\tstate\trevoked_at\treason")
        for id in published.union(revoked.keys).sorted() {
            var state = id == current ? "current" : "published"
            if revoked[id] != nil { state = published.contains(id) ? "revoked (.pub still present)" : "revoked" }
            let revokedAt = revoked[id].map { UTCTimestamp.format($0.revokedAt) } ?? "-"
            print("\(id)\t\(state)\t\(revokedAt)\t\(revoked[id]?.reason ?? "")")
        }
    }
}

/// `itinerary keys revoke KID`: withdraws a key in the store (every service instance on it
/// refuses its codes within seconds) and deletes its `.pub` files here (so offline
/// `itinerary verify --state` refuses them too).
struct KeysRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract:
            "Withdraw a signing key: every service on this store and every /verify page refuses its codes within seconds."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "Why, kept with the revocation (e.g. \"key file leaked\").")
    var reason = ""

    @Argument(help: "The key id (kid), as `keys list` and GET /v1/attestation/keys show it.")
    var kid: String

    func run() throws {
        guard KeyRevocations.isKeyID(kid) else {
            throw ValidationError(
                "'\(kid)' is not a key id (11 characters of base64url, as `itinerary keys list` shows)")
        }
        let workspace = try store.workspace(create: false)
        defer { workspace.shutdown() }
        let directory = workspace.stateDirectory.path
        let isCurrent = AttestationKeyFiles.currentKeyID(inDirectory: directory) == kid
        let recorded = try KeyRevocations.revoke(kid, reason: reason, at: SystemClock().now(), on: workspace.connect())
        printError(
            recorded
                ? "revoked \(kid): services on this store refuse its codes within seconds"
                : "\(kid) was already revoked")
        let removed = try AttestationKeyFiles.unpublish(keyID: kid, inDirectory: directory)
        for path in removed { printError("removed \(path)") }
        if isCurrent {
            printError(
                "warning: \(kid) is the signing key in \(directory): services using it sign no cards and issue no "
                    + "codes (503 signing_key_revoked) until you rotate it: remove \(directory)/attestation-ed25519.key "
                    + "and restart them")
        }
    }
}
