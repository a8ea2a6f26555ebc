import Foundation
import ItineraryCore
import ItineraryService
import ItineraryTestTags
import Testing

@Suite("Attestations", .tags(.integration), .timeLimit(.minutes(1)))
struct AttestationTests {
    static func payload(signer: AttestationSigner, issued: Int64 = 1_000_000) -> AttestationPayload {
        AttestationPayload(
            keyID: signer.keyID, phone: "138****8000", color: "green", windowDays: 14,
            places: [.init(code: "330100", starred: true, firstSeen: 900_000, lastSeen: 920_000)],
            watermark: 990_000, issuedAt: issued, expiresAt: issued + 600
        )
    }

    @Test("valid, expired, tampered and wrong-key attestations")
    func verdicts() throws {
        let signer = AttestationSigner.random()
        let token = try signer.sign(Self.payload(signer: signer))
        let verifier = signer.verifier
        #expect(verifier.verify(token, now: 1_000_100) == .valid(Self.payload(signer: signer)))
        #expect(verifier.verify(token, now: 1_000_629).isValid)  // 30 s clock skew allowed
        #expect(verifier.verify(token, now: 1_000_630).reason == "expired")
        #expect(verifier.verify(token, now: 999_000).reason == "expired")  // issued in the future

        // Tampered: swap the colour in the payload, keep the signature.
        let parts = token.split(separator: ".").map(String.init)
        let json = String(decoding: Data(base64Encoded: Self.padded(parts[0]))!, as: UTF8.self)
        let forged = json.replacingOccurrences(of: "green", with: "gray!")
        let forgedHead = Data(forged.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                of: "=", with: "")
        #expect(verifier.verify(forgedHead + "." + parts[1], now: 1_000_100) == .badSignature)
        // Flipped signature.
        var signature = parts[1]
        signature = (signature.first == "A" ? "B" : "A") + signature.dropFirst()
        #expect(verifier.verify(parts[0] + "." + signature, now: 1_000_100) == .badSignature)

        // Another service's key.
        let other = AttestationSigner.random()
        #expect(other.verifier.verify(token, now: 1_000_100) == .unknownKey)
        // Another key claiming this key's id.
        let impostor = try other.sign(Self.payload(signer: signer))
        #expect(verifier.verify(impostor, now: 1_000_100) == .badSignature)

        for garbage in ["", ".", "abc", "a.b.c", "!!.??"] {
            #expect(verifier.verify(garbage, now: 1_000_100) == .malformed)
        }
    }

    @Test("keys are created owner-only and reloaded")
    func keyFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)").path
        let first = try AttestationSigner.loadOrCreate(inDirectory: directory)
        let second = try AttestationSigner.loadOrCreate(inDirectory: directory)
        #expect(first.publicKey == second.publicKey)
        let mode =
            try FileManager.default.attributesOfItem(atPath: directory + "/attestation-ed25519.key")[.posixPermissions]
            as? NSNumber
        #expect(mode?.intValue == 0o600)
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o644], ofItemAtPath: directory + "/attestation-ed25519.key")
        #expect(throws: (any Error).self) { try AttestationSigner.loadOrCreate(inDirectory: directory) }
    }

    @Test("the verify endpoint")
    func endpoint() async throws {
        try await TestHarness.with(label: "attest") { harness in
            let code = try await harness.sendAndReadCode("13800138005")
            let attestation = try #require(
                try await harness.verify("13800138005", code: code).json["attestation"] as? String)
            let valid = try await harness.client.post(
                "/v1/attestation/verify", json: #"{"attestation":"\#(attestation)"}"#)
            #expect(valid.status == 200)
            #expect(valid.json["valid"] as? Bool == true)
            #expect((valid.json["payload"] as? [String: Any])?["phone"] as? String == "138****8005")

            let tampered = "x" + attestation.dropFirst()
            let bad = try await harness.client.post("/v1/attestation/verify", json: #"{"attestation":"\#(tampered)"}"#)
            #expect(bad.json["valid"] as? Bool == false)

            harness.clock.advance(by: 661)
            let expired = try await harness.client.post(
                "/v1/attestation/verify", json: #"{"attestation":"\#(attestation)"}"#)
            #expect(expired.json["valid"] as? Bool == false)
            #expect(expired.json["reason"] as? String == "expired")

            let missing = try await harness.client.post("/v1/attestation/verify", json: "{}")
            #expect(missing.status == 400)
        }
    }

    static func padded(_ base64url: String) -> String {
        var text = base64url.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        return text
    }
}

@Suite("Checkers' limits: lifetimes, skew, gray", .tags(.unit), .timeLimit(.minutes(1)))
struct VerifierLimitTests {
    @Test("a code or attestation valid for longer than the service issues is refused, whatever its signature")
    func lifetimes() throws {
        let signer = AttestationSigner.random()
        let verifier = signer.verifier
        for (lifetime, reason) in [(180, "valid"), (181, "lifetime_too_long"), (365 * 86_400, "lifetime_too_long")] {
            let code = try #require(
                try signer.signCode(CardCodeTests.payload(signer: signer, lifetime: Int64(lifetime))))
            #expect(verifier.verify(code, now: 1_652_486_400 + 10).reason == reason, "\(lifetime) s")
        }
        for (lifetime, reason) in [(600, "valid"), (601, "lifetime_too_long"), (0, "malformed"), (-5, "malformed")] {
            var payload = AttestationTests.payload(signer: signer)
            payload.expiresAt = payload.issuedAt + Int64(lifetime)
            #expect(verifier.verify(try signer.sign(payload), now: payload.issuedAt).reason == reason, "\(lifetime) s")
        }
    }

    @Test("expiry: passes until 30 s after exp, never after; issued more than 30 s ahead is refused")
    func skew() throws {
        let signer = AttestationSigner.random()
        let payload = CardCodeTests.payload(signer: signer)
        let code = try #require(try signer.signCode(payload))
        for offset in Int64(-400)...Int64(400) {
            let now = payload.expiresAt + offset
            let expected = now < payload.expiresAt + 30 && payload.issuedAt <= now + 30
            #expect(signer.verifier.verify(code, now: now).isValid == expected, "exp \(offset)")
        }
    }

    @Test("gray cards code and verify as gray (no_data, stale), never valid; any other pair has no code")
    func gray() throws {
        let signer = AttestationSigner.random()
        for status in ["no_data", "stale"] {
            var payload = CardCodeTests.payload(signer: signer)
            payload.color = "gray"
            payload.status = status
            let code = try #require(try signer.signCode(payload))
            #expect(signer.verifier.verify(code, now: payload.issuedAt) == .gray(payload))
            #expect(signer.verifier.verify(try signer.sign(payload), now: payload.issuedAt).reason == status)
            payload.color = "green"
            #expect(try signer.signCode(payload) == nil, "green \(status)")
        }
        var payload = CardCodeTests.payload(signer: signer)
        payload.color = "gray"
        #expect(try signer.signCode(payload) == nil, "gray current")
        #expect(AttestationVerdict.badSignature.shownPayload == nil)
        #expect(AttestationVerdict.expired(payload).shownPayload == nil)
    }
}
