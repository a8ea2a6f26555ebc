import Foundation
import ItineraryCore
import ItineraryTestTags
import Testing

@testable import ItineraryService

@Suite("Card codes (the QR on the card)", .tags(.integration), .timeLimit(.minutes(1)))
struct CardCodeTests {
    static func payload(
        signer: AttestationSigner, issued: Int64 = 1_652_486_400, lifetime: Int64 = 180
    ) -> AttestationPayload {
        AttestationPayload(
            keyID: signer.keyID, phone: "138****0042", color: "yellow", windowDays: 14,
            places: [
                .init(code: "330100", starred: true, firstSeen: nil, lastSeen: nil),
                .init(code: "110000", starred: false, firstSeen: nil, lastSeen: nil),
                .init(code: "JP", starred: false, firstSeen: nil, lastSeen: nil),
            ],
            watermark: issued - 1800, issuedAt: issued, expiresAt: issued + lifetime
        )
    }

    /// `code` with payload byte `index` replaced, the signature kept.
    static func tampered(_ code: String, byte index: Int, to value: UInt8) throws -> String {
        let parts = code.split(separator: ".").map(String.init)
        var bytes = [UInt8](try #require(Data(base64Encoded: AttestationTests.padded(parts[1]))))
        bytes[index] = value
        let head = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                of: "=", with: "")
        return parts[0] + "." + head + "." + parts[2]
    }

    @Test("a code round-trips, expires, and refuses tampering, unknown keys and junk")
    func verdicts() throws {
        let signer = AttestationSigner.random()
        let payload = Self.payload(signer: signer)
        let code = try #require(try signer.signCode(payload))
        #expect(code.hasPrefix("ITC1."))
        // Three places, a version 8 QR code at level M (docs/http-api.md): short enough for a phone screen.
        #expect(code.count <= 140, "\(code.count) characters")
        let symbol = try #require(QRCode(code))
        #expect((symbol.width - 17) / 4 == 8, "version \((symbol.width - 17) / 4) (docs/http-api.md says 8)")

        let verifier = signer.verifier
        guard case .valid(let read) = verifier.verify(code, now: payload.issuedAt + 10) else {
            Issue.record("not valid: \(verifier.verify(code, now: payload.issuedAt + 10))")
            return
        }
        #expect(read == payload)
        #expect(verifier.verify(code + "\n", now: payload.issuedAt).isValid)  // a scanner's Enter
        #expect(verifier.verify(code, now: payload.expiresAt + 29).isValid)
        #expect(verifier.verify(code, now: payload.expiresAt + 30) == .expired(payload))

        // The colour turned green, then the expiry moved.
        #expect(verifier.verify(try Self.tampered(code, byte: 13, to: 0), now: payload.issuedAt) == .badSignature)
        #expect(verifier.verify(try Self.tampered(code, byte: 26, to: 0xFF), now: payload.issuedAt) == .badSignature)
        #expect(AttestationSigner.random().verifier.verify(code, now: payload.issuedAt) == .unknownKey)
        // The JSON form's signature over the same key does not make a code (the prefix is signed).
        let json = try signer.sign(payload)
        #expect(verifier.verify("ITC1." + json, now: payload.issuedAt) == .malformed)
        for junk in [
            "ITC1.", "ITC1.AAAA.AAAA", "ITC1..", try Self.tampered(code, byte: 0, to: 2),
            try Self.tampered(code, byte: 13, to: 9),
        ] {
            #expect(verifier.verify(junk, now: payload.issuedAt) == .malformed, "\(junk)")
        }
    }

    @Test("a payload that cannot be packed gives no code")
    func unrepresentable() throws {
        let signer = AttestationSigner.random()
        var payload = Self.payload(signer: signer)
        payload.phone = "13800138000"
        #expect(try signer.signCode(payload) == nil)
        payload = Self.payload(signer: signer)
        payload.color = "red"
        #expect(try signer.signCode(payload) == nil)
    }

    @Test("after a rotation, the retired key's codes still verify, on the keys endpoint and the verify endpoint")
    func rotation() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("rotation-\(UUID().uuidString)").path
        let old = try AttestationSigner.loadOrCreate(inDirectory: state)
        let oldCode = try #require(try old.signCode(Self.payload(signer: old)))
        // Rotate as documented: remove the private key; the next start makes a new one.
        try FileManager.default.removeItem(atPath: state + "/attestation-ed25519.key")
        let new = try AttestationSigner.loadOrCreate(inDirectory: state)
        #expect(new.keyID != old.keyID)
        #expect(Set(AttestationKeyFiles.publicKeys(inDirectory: state)) == [old.publicKey, new.publicKey])

        try await TestHarness.with(label: "rotation", configure: { $0.stateDirectory = state }) { harness in
            let keys = try await harness.client.get("/v1/attestation/keys")
            let listed = try #require(keys.json["keys"] as? [[String: Any]])
            #expect(Set(listed.compactMap { $0["kid"] as? String }) == [old.keyID, new.keyID])
            #expect(listed.first { $0["current"] as? Bool == true }?["kid"] as? String == new.keyID)

            let verified = try await harness.client.post(
                "/v1/attestation/verify", json: #"{"attestation":"\#(oldCode)"}"#)
            #expect(verified.json["valid"] as? Bool == true, "\(verified.text)")
            harness.clock.advance(by: 180 + 60)
            let expired = try await harness.client.post(
                "/v1/attestation/verify", json: #"{"attestation":"\#(oldCode)"}"#)
            #expect(expired.json["reason"] as? String == "expired")
        }
    }

    @Test("GET /v1/itinerary/code: a fresh code and its QR for the token's card")
    func endpoint() async throws {
        try await TestHarness.with(label: "cardcode") { harness in
            let code = try await harness.sendAndReadCode("13800138042")
            let token = try #require(try await harness.verify("13800138042", code: code).json["token"] as? String)
            let first = try await harness.client.get(
                "/v1/itinerary/code", headers: ["Authorization": "Bearer \(token)", "X-Forwarded-For": "10.0.0.1"])
            #expect(first.status == 200, "\(first.text)")
            #expect(first.header("Cache-Control")?.contains("no-store") == true)
            #expect(first.json["expires_in"] as? Int == 180)
            #expect((first.json["qr_svg"] as? String)?.hasPrefix("<svg") == true)
            let text = try #require(first.json["code"] as? String)
            guard case .valid(let payload) = harness.lookup.attestationVerifier.verify(text, now: harness.clock.now())
            else {
                Issue.record("code not valid")
                return
            }
            #expect(payload.phone == "138****8042")
            #expect(payload.places.map { $0.code + ($0.starred ? "*" : "") } == ["330100*", "110000"])
            #expect(payload.expiresAt == Fixtures.start + 180)
            #expect(payload.watermark == Fixtures.watermark)

            harness.clock.advance(by: 300)
            #expect(harness.lookup.attestationVerifier.verify(text, now: harness.clock.now()).reason == "expired")
            let again = try await harness.client.get(
                "/v1/itinerary/code", headers: ["Authorization": "Bearer \(token)", "X-Forwarded-For": "10.0.0.1"])
            let renewed = try #require(again.json["code"] as? String)
            #expect(renewed != text)
            #expect(harness.lookup.attestationVerifier.verify(renewed, now: harness.clock.now()).isValid)

            let other = try await harness.client.get(
                "/v1/itinerary/code", headers: ["Authorization": "Bearer \(token)", "X-Forwarded-For": "10.0.0.2"])
            #expect(other.status == 401)
            let none = try await harness.client.get("/v1/itinerary/code")
            #expect(none.errorCode == "invalid_token")
        }
    }
}
