import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ItineraryCore
import ItineraryTestTags
import Testing

@testable import ItineraryService

/// A lookup service's relay and standing consent through the router on in-memory stores (unit
/// tier); PartnerAPITests covers the same over sockets and PostgreSQL, with quotas and the CLI.
@Suite("Partner relay and consent through the router, in-memory stores", .tags(.unit))
struct RouterPartnerTests {
    static let secret = "partner secret for the unit tests"

    /// Registers 某某健康码 in `harness`'s partner store; its client id.
    static func addPartner(to harness: RouterHarness) -> String {
        let clientID = "ptn_0123456789abcdef"
        harness.partners.add(
            Partner(
                clientID: clientID, name: "某某健康码", secretHash: PartnerRegistry.secretHash(secret),
                secretChangedAt: Fixtures.start - 60, requestsPerSecond: 1000, readsPerDay: 1000,
                scopes: [.relay, .consent], createdAt: Fixtures.start - 60, revokedAt: nil))
        return clientID
    }

    /// `POST /v1/oauth/token` with HTTP Basic: the access token.
    static func token(_ client: RouterClient, clientID: String, secret: String = secret) async throws -> TestResponse {
        let basic = "Basic " + Data("\(clientID):\(secret)".utf8).base64EncodedString()
        return try await client.client.executeRequest(
            uri: "/v1/oauth/token", method: .post,
            headers: [.authorization: basic, .contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: "grant_type=client_credentials"))
    }

    @Test(
        "relay with a 7-day consent, read again without a code, listed to the person, withdrawn on the page: refused at once"
    )
    func relayAndConsent() async throws {
        let harness = try RouterHarness()
        let clientID = Self.addPartner(to: harness)
        try await harness.test { client in
            #expect(try await Self.token(client, clientID: clientID, secret: "wrong").status == .unauthorized)
            let issued = try await Self.token(client, clientID: clientID)
            #expect(issued.status == .ok, "\(issued.text)")
            #expect(issued.json["expires_in"] as? Int == 300)
            let bearer: HTTPFields = [.authorization: "Bearer \(try #require(issued.json["access_token"] as? String))"]
            let phone = "13600136000"
            // `GET /v1/partner/itinerary` with a fresh token (they last 5 minutes).
            let readAgain = {
                let token = try #require(
                    try await Self.token(client, clientID: clientID).json["access_token"] as? String)
                return try await client.send(
                    .get, "/v1/partner/itinerary?phone=\(phone)", headers: [.authorization: "Bearer \(token)"])
            }
            #expect(try await readAgain().errorCode == "no_consent")

            let sent = try await client.send(
                .post, "/v1/partner/otp", json: #"{"phone":"\#(phone)","consent_days":7}"#, headers: bearer)
            #expect(sent.status == .ok, "\(sent.text)")
            let sms = try #require(harness.outbox.queued.last)
            #expect(sms.body.contains("某某健康码"), "\(sms.body)")
            #expect(sms.body.contains("7天内无需验证码再次查询"), "\(sms.body)")
            let code = try client.queuedCode(for: phone)
            // The code is bound to the consent asked for with it.
            let other = try await client.send(
                .post, "/v1/partner/itinerary", json: #"{"phone":"\#(phone)","code":"\#(code)","consent_days":3}"#,
                headers: bearer)
            #expect(other.status == .unauthorized, "\(other.text)")
            harness.clock.advance(by: 1)
            #expect(
                try await client.send(
                    .post, "/v1/partner/otp", json: #"{"phone":"\#(phone)","consent_days":7}"#, headers: bearer
                )
                .status == .tooManyRequests)
            harness.clock.advance(by: 60)
            #expect(
                try await client.send(
                    .post, "/v1/partner/otp", json: #"{"phone":"\#(phone)","consent_days":7}"#, headers: bearer
                )
                .status == .ok)
            let card = try await client.send(
                .post, "/v1/partner/itinerary",
                json: #"{"phone":"\#(phone)","code":"\#(try client.queuedCode(for: phone))","consent_days":7}"#,
                headers: bearer)
            #expect(card.status == .ok, "\(card.text)")
            #expect(card.json["color"] as? String == "green")
            #expect(
                card.json["consent_expires_at"] as? String == UTCTimestamp.format(harness.clock.now() + 7 * 86_400))

            harness.clock.advance(by: 3 * 86_400)
            let again = try await readAgain()
            #expect(again.status == .ok, "\(again.text)")
            #expect(again.json["phone"] as? String == "136****6000")

            // The person sees the partner, its reads and its consent, and withdraws it.
            let person = try await client.signIn(phone)
            let audit = try await client.withToken(person, "/v1/itinerary/partners")
            let consents = try #require(audit.json["consents"] as? [[String: Any]])
            #expect(consents.map { $0["client_id"] as? String } == [clientID])
            let reads = try #require(audit.json["reads"] as? [[String: Any]])
            #expect(
                reads.map { "\($0["purpose"] ?? "") \($0["outcome"] ?? "")" } == [
                    "consent card", "relay card", "relay invalid_code", "consent no_consent",
                ], "\(reads)")
            let withdrawn = try await client.withToken(person, "/v1/itinerary/partners/\(clientID)", method: .delete)
            #expect(withdrawn.status == .ok, "\(withdrawn.text)")
            #expect(try await readAgain().errorCode == "no_consent")
            let twice = try await client.withToken(person, "/v1/itinerary/partners/\(clientID)", method: .delete)
            #expect(twice.status == .notFound)
            #expect(twice.errorCode == "no_consent")
        }
    }
}
