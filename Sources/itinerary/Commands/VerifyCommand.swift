import ArgumentParser
import Foundation
import ItineraryCore
import ItineraryService

/// `itinerary verify TOKEN`: check a card's attestation or scanned QR code offline, as a venue terminal does.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract:
            "Verify a card attestation or scanned card code offline with the service's public keys; exit 1 unless valid.",
        discussion: """
            Prints {"valid":…,"reason":"…"} and, for an authentic card in date, its colour and status. Only a \
            current green, yellow or orange card is valid: a gray one (no_data, stale) exits 1 as well. Refused \
            too: a code valid for longer than the service issues (\(AttestationVerifier.defaultCodeLifetime.inWholeSeconds) s \
            card codes, \(AttestationVerifier.defaultAttestationLifetime.inWholeSeconds) s attestations: lifetime_too_long), one \
            past its expiry by more than \(AttestationVerifier.defaultClockSkew.inWholeSeconds) s (expired), and one signed by a \
            withdrawn key (revoked: its .pub is deleted by `itinerary keys revoke`, or name it with --revoked).
            """
    )

    @Option(
        help:
            "Public key file (base64url of the raw Ed25519 key); repeat for several. Default: every attestation-ed25519*.pub in <state>."
    )
    var key: [String] = []

    @Option(help: "State directory holding the service's keys.")
    var state: String = StoreOptions.defaultState

    @Option(help: ArgumentHelp("A withdrawn key id to refuse (repeatable).", valueName: "kid"))
    var revoked: [String] = []

    @Argument(help: "The attestation from the card JSON, or the text of the card's QR code (ITC1.…).")
    var attestation: String

    func run() throws {
        var publicKeys: [[UInt8]] = []
        for path in key {
            guard let verifier = try? AttestationVerifier(publicKeyFile: path) else {
                throw ValidationError("cannot read an Ed25519 public key from \(path)")
            }
            publicKeys += verifier.keys.map(\.publicKey)
        }
        if key.isEmpty {
            publicKeys = AttestationKeyFiles.publicKeys(inDirectory: state)
            guard !publicKeys.isEmpty else {
                throw ValidationError("no attestation-ed25519*.pub public key in \(state)")
            }
        }
        for id in revoked where !KeyRevocations.isKeyID(id) {
            throw ValidationError("'\(id)' is not a key id (11 characters of base64url)")
        }
        let verifier = try AttestationVerifier(publicKeys: publicKeys, revoked: Set(revoked))
        let verdict = verifier.verify(attestation, now: SystemClock().now())
        var writer = JSONWriter()
        writer.beginObject()
        writer.bool("valid", verdict.isValid)
        writer.string("reason", verdict.reason)
        if let payload = verdict.shownPayload {
            writer.string("color", payload.color)
            writer.string("status", payload.status)
            writer.string("phone", payload.phone)
        }
        writer.endObject()
        print(writer.text)
        if !verdict.isValid { throw ExitCode(1) }
    }
}
