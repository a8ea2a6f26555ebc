import ArgumentParser
import Foundation
import ItineraryService

/// `itinerary verify TOKEN`: check a card's attestation offline, as a venue terminal does.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a card attestation offline with the service's public key; exit 1 unless valid."
    )

    @Option(help: "Public key file (base64url of the raw Ed25519 key); default: <state>/attestation-ed25519.pub.")
    var key: String?

    @Option(help: "State directory holding the service's keys.")
    var state: String = StoreOptions.defaultState

    @Argument(help: "The attestation from the card JSON.")
    var attestation: String

    func run() throws {
        let path = key ?? URL(fileURLWithPath: state).appendingPathComponent("attestation-ed25519.pub").path
        let verifier: AttestationVerifier
        do {
            verifier = try AttestationVerifier(publicKeyFile: path)
        } catch {
            throw ValidationError("cannot read an Ed25519 public key from \(path)")
        }
        let verdict = verifier.verify(attestation, now: Int64(Date().timeIntervalSince1970))
        print(#"{"valid":\#(verdict.isValid),"reason":"\#(verdict.reason)"}"#)
        if !verdict.isValid { throw ExitCode(1) }
    }
}
