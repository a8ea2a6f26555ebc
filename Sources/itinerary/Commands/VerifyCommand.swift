import ArgumentParser
import Foundation
import ItineraryCore
import ItineraryService

/// `itinerary verify TOKEN`: check a card's attestation or scanned QR code offline, as a venue terminal does.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract:
            "Verify a card attestation or scanned card code offline with the service's public keys; exit 1 unless valid."
    )

    @Option(
        help:
            "Public key file (base64url of the raw Ed25519 key); repeat for several. Default: every attestation-ed25519*.pub in <state>."
    )
    var key: [String] = []

    @Option(help: "State directory holding the service's keys.")
    var state: String = StoreOptions.defaultState

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
        let verifier = try AttestationVerifier(publicKeys: publicKeys)
        let verdict = verifier.verify(attestation, now: SystemClock().now())
        print(#"{"valid":\#(verdict.isValid),"reason":"\#(verdict.reason)"}"#)
        if !verdict.isValid { throw ExitCode(1) }
    }
}
