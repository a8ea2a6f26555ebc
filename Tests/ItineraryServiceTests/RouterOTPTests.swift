import Foundation
import HTTPTypes
import HummingbirdTesting
import ItineraryCore
import ItineraryTestTags
import Testing

@testable import ItineraryService

/// The person's OTP flow through the router on in-memory stores (unit tier): the code read from
/// the outbox, the card, the token, its expiry, and the limits.
@Suite("OTP flow through the router, in-memory stores", .tags(.unit))
struct RouterOTPTests {
    @Test("code queued in the outbox → POST /v1/itinerary → card JSON → GET with the token, Bearer or bearer")
    func wholeFlow() async throws {
        let harness = try RouterHarness()
        try await harness.test { client in
            let sent = try await client.requestCode("13800138000")
            #expect(sent.status == .ok, "\(sent.text)")
            #expect(sent.json["status"] as? String == "sent")
            #expect(sent.json["phone"] as? String == "138****8000")
            // Queued sealed, as PostgreSQL holds it; the test reads it in clear.
            let queued = try #require(harness.outbox.queued.last)
            #expect(queued.phone.digits == "13800138000")
            #expect(try await harness.outbox.pendingOutboxCount() == 1)

            let card = try await client.verify("+86 138 0013 8000", code: client.queuedCode(for: "13800138000"))
            #expect(card.status == .ok, "\(card.text)")
            #expect(card.headers[.cacheControl] == "no-store")
            #expect(card.json["phone"] as? String == "138****8000")
            #expect(card.json["color"] as? String == "green")
            #expect(card.json["status"] as? String == "current")
            #expect(card.json["card_time"] as? String == "2022-05-13T23:30:00Z")
            #expect(card.json["token_expires_in"] as? Int == 600)
            let places = try #require(card.json["places"] as? [[String: Any]])
            #expect(places.map { $0["name"] as? String } == ["浙江省杭州市", "北京市"])
            let attestation = try #require(card.json["attestation"] as? String)
            #expect(harness.server.attestationVerifier.verify(attestation, now: harness.clock.now()).reason == "valid")
            let token = try #require(card.json["token"] as? String)
            #expect(harness.tokens.count == 1)

            for scheme in ["Bearer", "bearer", "BEARER"] {
                let again = try await client.withToken(token, scheme: scheme)
                #expect(again.status == .ok, "\(scheme): \(again.text)")
                #expect(again.json["places"] as? [[String: Any]] != nil, "\(scheme)")
                #expect(again.json["token"] == nil, "\(scheme): the token is answered once")
            }
            let code = try await client.withToken(token, "/v1/itinerary/code", scheme: "bearer")
            #expect(code.status == .ok, "\(code.text)")
            // The code was used up with the card: a second try finds none.
            let reused = try await client.verify("13800138000", code: client.queuedCode(for: "13800138000"))
            #expect(reused.status == .unauthorized)
            #expect(reused.errorCode == "invalid_code")
        }
    }

    @Test("wrong codes count down, then even the right code is refused 429 until a new code")
    func wrongCodesExhaust() async throws {
        let harness = try RouterHarness()
        try await harness.test { client in
            #expect(try await client.requestCode("13900139000").status == .ok)
            let right = try client.queuedCode(for: "13900139000")
            let wrong = right == "000000" ? "111111" : "000000"
            for remaining in (0..<5).reversed() {
                let refused = try await client.verify("13900139000", code: wrong)
                #expect(refused.status == .unauthorized)
                #expect(refused.errorCode == "invalid_code")
                #expect(refused.text.contains("\(remaining) attempts left"), "\(refused.text)")
            }
            let locked = try await client.verify("13900139000", code: right)
            #expect(locked.status == .tooManyRequests, "\(locked.text)")
            #expect(locked.errorCode == "too_many_attempts")
            #expect(locked.headers[.retryAfter] == "60")
            #expect(locked.json["token"] == nil)
            #expect(harness.tokens.count == 0)
            // A new code after the resend interval works.
            harness.clock.advance(by: 60)
            #expect(try await client.requestCode("13900139000").status == .ok)
            let fresh = try await client.verify("13900139000", code: client.queuedCode(for: "13900139000"))
            #expect(fresh.status == .ok, "\(fresh.text)")
        }
    }

    @Test("a code past its lifetime is code_expired; a token past its lifetime is 401 invalid_token")
    func expiry() async throws {
        let harness = try RouterHarness()
        try await harness.test { client in
            #expect(try await client.requestCode("13700137000").status == .ok)
            let code = try client.queuedCode(for: "13700137000")
            harness.clock.advance(by: 300)
            let late = try await client.verify("13700137000", code: code)
            #expect(late.status == .unauthorized)
            #expect(late.errorCode == "code_expired")

            let token = try await client.signIn("13600136000")
            #expect(try await client.withToken(token).status == .ok)
            harness.clock.advance(by: 599)
            #expect(try await client.withToken(token).status == .ok)
            harness.clock.advance(by: 1)
            // Refused although this process checked the token before (its cache keeps the expiry).
            let expired = try await client.withToken(token)
            #expect(expired.status == .unauthorized)
            #expect(expired.errorCode == "invalid_token")
            #expect(try await client.withToken(token, "/v1/itinerary/code").status == .unauthorized)
        }
    }

    @Test("a withdrawn signing key: cards go unsigned at once, card codes and /readyz are 503 signing_key_revoked")
    func withdrawnSigningKey() async throws {
        let harness = try RouterHarness { $0.keyRefreshInterval = .zero }
        try await harness.test { client in
            let token = try await client.signIn("13400134000")
            #expect(try await client.withToken(token).json["attestation"] is String)
            #expect(try await client.send(.get, "/readyz").status == .ok)
            harness.revocations.revoke(
                AttestationKeyID.of(publicKey: harness.server.attestationPublicKey), at: harness.clock.now())
            let card = try await client.withToken(token)
            #expect(card.status == .ok)
            #expect(card.json["attestation"] is NSNull, "\(card.text)")
            let code = try await client.withToken(token, "/v1/itinerary/code")
            #expect(code.status == .serviceUnavailable)
            #expect(code.errorCode == "signing_key_revoked")
            #expect(try await client.send(.get, "/readyz").errorCode == "signing_key_revoked")
        }
    }

    @Test("a token is its client's: another address is refused")
    func tokenBoundToClient() async throws {
        let harness = try RouterHarness()
        try await harness.test { client in
            let token = try await client.signIn("13500135000", client: "10.0.0.1")
            #expect(try await client.withToken(token, client: "10.0.0.1").status == .ok)
            #expect(try await client.withToken(token, client: "10.0.0.2").errorCode == "invalid_token")
        }
    }

    @Test("a phone the store holds nothing for gets a gray no_data card, never a green one")
    func noDataIsGray() async throws {
        let harness = try RouterHarness(cards: FixedCardSource(noData: ["13300133000"]))
        try await harness.test { client in
            let token = try await client.signIn("13300133000")
            let card = try await client.withToken(token)
            #expect(card.status == .ok)
            #expect(card.json["status"] as? String == "no_data")
            #expect(card.json["color"] as? String == "gray")
            #expect((card.json["places"] as? [Any])?.isEmpty == true)
            // The phone beside it, with data, is green.
            let known = try await client.withToken(try await client.signIn("13300133001"))
            #expect(known.json["color"] as? String == "green")
        }
    }

    @Test("one /24 gets its network's share of code SMS, then 429 rate_limited; other networks still get theirs")
    func networkShare() async throws {
        let harness = try RouterHarness {
            $0.smsPerMinute = 100
            $0.clientLimits.codeRequestsPerMinute = 20
        }
        try await harness.test { client in
            var statuses: [Int] = []
            for index in 0..<36 {
                let response = try await client.requestCode("1380000\(1000 + index)", client: "10.1.2.\(index + 1)")
                statuses.append(response.status.code)
                if response.status != .ok {
                    #expect(response.errorCode == "rate_limited")
                    #expect(response.headers[.retryAfter] != nil)
                }
            }
            // A tenth of the budget per network by default.
            #expect(statuses.filter { $0 == 200 }.count == 10, "\(statuses)")
            #expect(statuses.filter { $0 == 429 }.count == 26, "\(statuses)")
            #expect(try await client.requestCode("13900000001", client: "10.1.3.1").status == .ok)
            #expect(try await client.requestCode("13900000002", client: "2001:db8::1").status == .ok)
            // The next minute's window lets the network in again.
            harness.clock.advance(by: 60)
            #expect(try await client.requestCode("13900000003", client: "10.1.2.200").status == .ok)
            #expect(harness.metrics.exposition().contains(#"lookup_otp_sends_total{outcome="network_limited"} 26"#))
        }
    }
}
