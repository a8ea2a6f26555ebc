import Foundation
import ItineraryCore
import ItineraryPostgres
import ItineraryService
import ItineraryStore
import ItineraryTestSupport
import ItineraryTestTags
import Testing

/// Keys can be withdrawn (docs/http-api.md, "Withdrawing a key"): `itinerary keys revoke`
/// or a deleted `.pub` takes effect in the running service within seconds, without a restart.
@Suite("Withdrawn signing keys", .tags(.integration), .timeLimit(.minutes(2)))
struct KeyRevocationTests {
    /// A state directory that has been through a rotation: `retired` has only its `.pub` left.
    static func rotatedState() throws -> (state: String, retired: AttestationSigner, current: AttestationSigner) {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("revoke-\(UUID().uuidString)").path
        let retired = try AttestationSigner.loadOrCreate(inDirectory: state)
        try FileManager.default.removeItem(atPath: state + "/attestation-ed25519.key")
        return (state, retired, try AttestationSigner.loadOrCreate(inDirectory: state))
    }

    /// Polls `condition` every 50 ms for up to 10 s; returns how long it took to hold.
    static func within(_ condition: () async throws -> Bool) async throws -> Duration {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < .seconds(10) {
            if try await condition() { return ContinuousClock.now - started }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("not within 10 s")
    }

    @Test(
        "itinerary keys revoke: the running service refuses the key's codes within seconds and publishes the id; keys list shows it"
    )
    func revoke() async throws {
        let (state, retired, current) = try Self.rotatedState()
        let harness = try await TestHarness.start(label: "revoke") { $0.stateDirectory = state }
        do {
            let code = try #require(
                try retired.signCode(CardCodeTests.payload(signer: retired, issued: Fixtures.start)))
            #expect(try await harness.verifyAttestation(code).json["reason"] as? String == "valid")

            let cli = try await CLI.run([
                "keys", "revoke", "--database", harness.connectionString, "--state", state, "--reason", "leaked",
                retired.keyID,
            ])
            #expect(cli.status == 0, "\(cli)")
            // Its .pub is gone here, so offline checkers on this host refuse it too.
            #expect(
                !FileManager.default.fileExists(
                    atPath: AttestationKeyFiles.path(inDirectory: state, keyID: retired.keyID)))
            let took = try await Self.within {
                try await harness.verifyAttestation(code).json["reason"] as? String == "revoked"
            }
            #expect(took < .seconds(4), "refused after \(took)")
            let keys = try await harness.client.get("/v1/attestation/keys").json
            let listed = try #require(keys["keys"] as? [[String: Any]]).compactMap { $0["kid"] as? String }
            #expect(listed == [current.keyID])
            let revoked = try #require(keys["revoked"] as? [[String: Any]]).compactMap { $0["kid"] as? String }
            #expect(revoked == [retired.keyID])
            #expect(keys["clock_skew"] as? Int == 30)
            #expect((keys["max_lifetime"] as? [String: Any])?["code"] as? Int == 180)

            // The payload of a refused code is not repeated.
            #expect(try await harness.verifyAttestation(code).json["payload"] is NSNull)
            let list = try await CLI.run(["keys", "list", "--database", harness.connectionString, "--state", state])
            #expect(list.status == 0, "\(list)")
            #expect(list.output.contains("\(retired.keyID)\trevoked\t"), "\(list.output)")
            #expect(list.output.contains("\(current.keyID)\tcurrent"), "\(list.output)")
            // Offline: refused with the id named, and once its .pub is gone, as an unknown key.
            let offline = try await CLI.run([
                "verify", "--key", state + "/attestation-ed25519.pub", "--revoked", retired.keyID, code,
            ])
            #expect(offline.status == 1)
            #expect(offline.output.contains(#""reason":"revoked""#), "\(offline)")
            let bad = try await CLI.run([
                "keys", "revoke", "--database", harness.connectionString, "--state", state, "nope",
            ])
            #expect(bad.status != 0)
        } catch {
            await harness.server.stop()
            throw error
        }
        await harness.server.stop()
    }

    @Test("a deleted .pub stops verifying without a restart")
    func deletedPublicKey() async throws {
        let (state, retired, _) = try Self.rotatedState()
        let harness = try await TestHarness.start(label: "unpublish") { $0.stateDirectory = state }
        do {
            let code = try #require(
                try retired.signCode(CardCodeTests.payload(signer: retired, issued: Fixtures.start)))
            #expect(try await harness.verifyAttestation(code).json["valid"] as? Bool == true)
            try FileManager.default.removeItem(
                atPath: AttestationKeyFiles.path(inDirectory: state, keyID: retired.keyID))
            let took = try await Self.within {
                try await harness.verifyAttestation(code).json["reason"] as? String == "unknown_key"
            }
            #expect(took < .seconds(4), "refused after \(took)")
        } catch {
            await harness.server.stop()
            throw error
        }
        await harness.server.stop()
    }

    @Test("the service's own key withdrawn: it signs nothing, issues no code and is not ready")
    func ownKey() async throws {
        let harness = try await TestHarness.start(label: "ownkey")
        do {
            let token = try #require(try await harness.signIn("13800138000").json["token"] as? String)
            #expect(try await harness.cardCode(token: token).status == 200)
            let keyID = try #require(try await harness.client.get("/v1/attestation/key").json["kid"] as? String)
            try KeyRevocations.revoke(
                keyID, reason: "test", at: Fixtures.start, on: PostgresConnection(harness.connectionString))
            _ = try await Self.within { try await harness.client.get("/readyz").status == 503 }
            #expect(try await harness.client.get("/readyz").errorCode == "signing_key_revoked")
            #expect(try await harness.cardCode(token: token).errorCode == "signing_key_revoked")
            let card = try await harness.showAgain(token: token)
            #expect(card.status == 200)
            #expect(card.json["attestation"] is NSNull)
        } catch {
            await harness.server.stop()
            throw error
        }
        await harness.server.stop()
    }
}
