import Foundation
import ItineraryCore
import ItineraryPostgres
import ItineraryService
import ItineraryStore
import ItineraryTestTags
import Testing

/// Lookup services (issue 19, docs/partner-api.md) over HTTP against a real PostgreSQL.
@Suite("Partner API for lookup services", .tags(.integration), .timeLimit(.minutes(3)))
struct PartnerAPITests {
    /// `count` distinct mobile numbers.
    static func phones(_ count: Int, prefix: String = "150") -> [String] {
        (0..<count).map { prefix + String(format: "%08d", 10_000_000 + $0 * 7919) }
    }

    @Test("one partner relays 500 different phones from one address and gets every card; per-phone limits still hold")
    func relayManyPhones() async throws {
        try await TestHarness.with(label: "partnerrelay", configure: { $0.smsPerMinute = 5000 }) { harness in
            let partner = try harness.addPartner()
            let token = try await partner.token()
            let phones = Self.phones(500)
            // From 127.0.0.1 without X-Forwarded-For: one address for all, 25 at a time.
            var cards: [String: String] = [:]
            for batch in stride(from: 0, to: phones.count, by: 25) {
                try await withThrowingTaskGroup(of: (String, HTTPResult).self) { group in
                    for phone in phones[batch..<min(batch + 25, phones.count)] {
                        group.addTask { (phone, try await partner.relay(phone, token: token)) }
                    }
                    for try await (phone, response) in group {
                        #expect(response.status == 200, "\(phone): \(response.text)")
                        cards[phone] = response.json["phone"] as? String
                        #expect(response.json["attestation"] is String)
                        #expect((response.json["card_code"] as? [String: Any])?["code"] is String)
                    }
                }
            }
            #expect(cards.count == 500)
            #expect(phones.allSatisfy { cards[$0] == Phone($0)?.masked })
            // The SMS names the partner.
            let message = try await harness.gateway.waitFor(phone: phones[0])
            #expect(message.body.contains("某某健康码请求查询您的行程，验证码"), "\(message.body)")
            // The phone's own limit: one code a minute, whoever asks.
            let again = try await partner.requestCode(phones[0], token: token)
            #expect(again.status == 429)
            #expect(again.header("Retry-After") != nil)

            let metrics = try await harness.metrics.get("/metrics").text
            #expect(
                metrics.contains(#"lookup_partner_requests_total{partner="\#(partner.clientID)",status="200"} 1000"#))
            #expect(metrics.contains("lookup_partner_request_duration_seconds_bucket{partner=\"\(partner.clientID)\""))
        }
    }

    @Test("a partner over its requests per second or its reads per day gets 429 with Retry-After")
    func quota() async throws {
        try await TestHarness.with(label: "partnerquota") { harness in
            let fast = try harness.addPartner("快查健康码", rps: 3)
            let token = try await fast.token()
            var statuses: [Int] = []
            var retryAfter: [String] = []
            for _ in 0..<10 {
                let response = try await fast.readAgain("13800138000", token: token)
                statuses.append(response.status)
                if response.status == 429 { retryAfter.append(response.header("Retry-After") ?? "") }
            }
            // The bucket holds 3 (one was spent on the token); no consent stands, so the rest are 403.
            #expect(statuses.filter { $0 == 429 }.count >= 6, "\(statuses)")
            #expect(statuses.allSatisfy { $0 == 429 || $0 == 403 }, "\(statuses)")
            #expect(retryAfter.allSatisfy { (Int($0) ?? 0) >= 1 }, "\(retryAfter)")
            let metrics = try await harness.metrics.get("/metrics").text
            #expect(metrics.contains(#"lookup_partner_rate_limited_total{partner="\#(fast.clientID)"}"#))

            let daily = try harness.addPartner("限量健康码", readsPerDay: 2)
            let dailyToken = try await daily.token()
            for _ in 0..<2 { #expect(try await daily.readAgain("13800138000", token: dailyToken).status == 403) }
            let over = try await daily.readAgain("13800138000", token: dailyToken)
            #expect(over.status == 429)
            #expect(over.errorCode == "rate_limited")
            #expect(Int(over.header("Retry-After") ?? "") ?? 0 > 3600)
            let counted = try await harness.metrics.get("/metrics").text
            #expect(
                counted.contains(#"lookup_partner_rate_limited_total{partner="\#(daily.clientID)"} 1"#), "\(counted)")
            #expect(counted.contains(#"lookup_partner_requests_total{partner="\#(daily.clientID)",status="429"} 1"#))
            // Another partner from the same address is not limited by them.
            let other = try harness.addPartner("另一健康码")
            #expect(try await other.readAgain("13800138000", token: try await other.token()).status == 403)
        }
    }

    @Test("OAuth client credentials: Basic or form fields, RFC 6749 errors, scopes")
    func oauth() async throws {
        try await TestHarness.with(label: "partneroauth") { harness in
            let partner = try harness.addPartner()
            let granted = try await partner.requestToken()
            #expect(granted.status == 200)
            #expect(granted.json["token_type"] as? String == "Bearer")
            #expect(granted.json["expires_in"] as? Int == 300)
            #expect(granted.json["scope"] as? String == "consent relay")
            #expect(granted.header("Cache-Control") == "no-store")

            let form = "grant_type=client_credentials&client_id=\(partner.clientID)&client_secret=\(partner.secret)"
            let viaForm = try await harness.client.send(
                "POST", "/v1/oauth/token", body: Data(form.utf8),
                headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(viaForm.status == 200, "\(viaForm.text)")

            let wrong = try await partner.requestToken(secret: "not-the-secret")
            #expect(wrong.status == 401)
            #expect(wrong.json["error"] as? String == "invalid_client")
            let challenge = try partner.basicChallenge(secret: "not-the-secret")
            #expect(challenge.hasPrefix("HTTP/1.1 401"), "\(challenge)")
            #expect(challenge.contains(#"WWW-Authenticate: Basic realm="itinerary""#), "\(challenge)")
            #expect(challenge.contains(#"{"error":"invalid_client","error_description":"#), "\(challenge)")
            let grant = try await harness.client.send(
                "POST", "/v1/oauth/token", body: Data("grant_type=password".utf8),
                headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(grant.status == 400)
            #expect(grant.json["error"] as? String == "unsupported_grant_type")
            let json = try await harness.client.post("/v1/oauth/token", json: #"{"grant_type":"client_credentials"}"#)
            #expect(json.json["error"] as? String == "invalid_request")
            #expect(try await partner.requestToken(scope: "admin").json["error"] as? String == "invalid_scope")

            // A relay-only token cannot read under consent.
            let relayOnly = try await partner.token(scope: "relay")
            let refused = try await partner.readAgain("13800138000", token: relayOnly)
            #expect(refused.status == 403)
            #expect(refused.errorCode == "insufficient_scope")
            // A person's token is no partner token, and a forged one is refused.
            #expect(try await partner.readAgain("13800138000", token: "pt1.AAAA.BBBB").status == 401)
            let person = try await harness.signIn("13900139000").json["token"] as? String ?? ""
            #expect(try await partner.readAgain("13900139000", token: person).errorCode == "invalid_token")
            // A partner's code does not open the person-facing API.
            _ = try await partner.requestCode("13700137000", token: try await partner.token())
            let code = try await harness.gateway.code(for: "13700137000")
            #expect(try await harness.verify("13700137000", code: code).status == 401)
        }
    }

    @Test("standing consent: re-read without SMS, refused at once after withdrawal by SMS keyword or on the page")
    func consent() async throws {
        try await TestHarness.with(label: "partnerconsent") { harness in
            let partner = try harness.addPartner()
            let other = try harness.addPartner("别家健康码")
            let token = try await partner.token()
            let phone = "13600136000"

            #expect(try await partner.readAgain(phone, token: token).errorCode == "no_consent")
            let tooLong = try await partner.requestCode(phone, token: token, consentDays: 15)
            #expect(tooLong.status == 400)
            let card = try await partner.relay(phone, token: token, consentDays: 7)
            #expect(card.status == 200, "\(card.text)")
            #expect(card.json["consent_expires_at"] as? String == UTCTimestamp.format(Fixtures.start + 7 * 86_400))
            let sms = try await harness.gateway.waitFor(phone: phone)
            #expect(sms.body.contains("7天内无需验证码再次查询"), "\(sms.body)")
            #expect(sms.body.contains("回复QXSQ可随时取消授权"), "\(sms.body)")

            let sentBefore = harness.gateway.count(to: phone)
            harness.clock.advance(by: 3 * 86_400)
            let again = try await partner.readAgain(phone, token: try await partner.token())
            #expect(again.status == 200, "\(again.text)")
            #expect(again.json["phone"] as? String == "136****6000")
            #expect(harness.gateway.count(to: phone) == sentBefore)
            // The consent is the partner's, not another's.
            #expect(try await other.readAgain(phone, token: try await other.token()).errorCode == "no_consent")

            // Withdrawn by SMS: the next read is refused.
            let fresh = try await partner.token()
            let inbound = #"{"from":"\#(phone)","text":"qxsq 某某健康码"}"#
            let texted = try await harness.client.post(
                "/v1/sms/inbound", json: inbound, headers: InboundSMSTests.signedHeaders(inbound, clock: harness.clock))
            #expect(texted.json["status"] as? String == "queued")
            #expect(try await partner.readAgain(phone, token: fresh).errorCode == "no_consent")
            let reply = try await harness.gateway.waitFor(phone: phone) { $0.contains("已取消") }
            #expect(reply.body.contains("某某健康码"))

            // Granted again, withdrawn on the page (the person's token): refused at once.
            harness.clock.advance(by: 120)
            #expect(try await partner.relay(phone, token: fresh, consentDays: 2).status == 200)
            #expect(try await partner.readAgain(phone, token: fresh).status == 200)
            harness.clock.advance(by: 120)
            let person = try #require(try await harness.signIn(phone).json["token"] as? String)
            let audit = try await harness.client.get(
                "/v1/itinerary/partners", headers: ["Authorization": "Bearer \(person)", "X-Forwarded-For": "10.0.0.1"])
            let consents = try #require(audit.json["consents"] as? [[String: Any]])
            #expect(consents.map { $0["client_id"] as? String } == [partner.clientID])
            let withdrawn = try await harness.client.send(
                "DELETE", "/v1/itinerary/partners/\(partner.clientID)",
                headers: ["Authorization": "Bearer \(person)", "X-Forwarded-For": "10.0.0.1"])
            #expect(withdrawn.status == 200, "\(withdrawn.text)")
            #expect(try await partner.readAgain(phone, token: fresh).errorCode == "no_consent")

            // Every read is in the audit, newest first, with its outcome.
            let reads = try #require(
                try await harness.client.get(
                    "/v1/itinerary/partners",
                    headers: ["Authorization": "Bearer \(person)", "X-Forwarded-For": "10.0.0.1"]
                ).json["reads"] as? [[String: Any]])
            #expect(
                reads.map { "\($0["partner"] ?? "") \($0["purpose"] ?? "") \($0["outcome"] ?? "")" } == [
                    "某某健康码 consent no_consent", "某某健康码 consent card", "某某健康码 relay card",
                    "某某健康码 consent no_consent", "别家健康码 consent no_consent", "某某健康码 consent card",
                    "某某健康码 relay card", "某某健康码 consent no_consent",
                ])
        }
    }

    @Test("a partner revoked or rotated with the CLI is refused by the running server within seconds")
    func revocation() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("partners-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        try await TestHarness.with(label: "partnerrevoke") { harness in
            let added = try await CLI.run([
                "partners", "add", "撤销健康码", "--rps", "50", "--database", harness.connectionString, "--state", state,
            ])
            #expect(added.status == 0, "\(added.error)")
            let fields = Dictionary(
                added.output.split(separator: "\n").compactMap { line -> (String, String)? in
                    let parts = line.split(separator: "\t")
                    return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
                }, uniquingKeysWith: { first, _ in first })
            let partner = PartnerClient(
                harness: harness, clientID: try #require(fields["client_id"]),
                secret: try #require(fields["client_secret"]),
                name: "撤销健康码")
            let token = try await partner.token()
            #expect(try await partner.readAgain("13800138000", token: token).status == 403)
            let listed = try await CLI.run([
                "partners", "list", "--database", harness.connectionString, "--state", state,
            ])
            #expect(listed.output.contains("\(partner.clientID)\t撤销健康码\t50\t100000\tconsent,relay"))

            // Rotation: the old secret and its tokens stop; the new one works.
            let rotated = try await CLI.run([
                "partners", "rotate", partner.clientID, "--database", harness.connectionString, "--state", state,
            ])
            #expect(rotated.status == 0, "\(rotated.error)")
            let newSecret = try #require(
                rotated.output.split(separator: "\n").first { $0.hasPrefix("client_secret\t") }?.split(separator: "\t")
                    .last)
            #expect(try await partner.requestToken(secret: partner.secret).status == 401)
            try await Self.waitUntil { try await partner.readAgain("13800138000", token: token).status == 401 }
            let renewed = PartnerClient(
                harness: harness, clientID: partner.clientID, secret: String(newSecret), name: "")
            let newToken = try await renewed.token()
            #expect(try await renewed.readAgain("13800138000", token: newToken).status == 403)

            let revoked = try await CLI.run([
                "partners", "revoke", partner.clientID, "--database", harness.connectionString, "--state", state,
            ])
            #expect(revoked.status == 0, "\(revoked.error)")
            let started = ContinuousClock.now
            try await Self.waitUntil { try await renewed.readAgain("13800138000", token: newToken).status == 401 }
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(try await renewed.requestToken(secret: renewed.secret).json["error"] as? String == "invalid_client")
        }
    }

    @Test("a phone's partner reads and consents leave with its data: retention and purge")
    func retention() async throws {
        try await TestHarness.with(label: "partnerpurge") { harness in
            let partner = try harness.addPartner()
            let token = try await partner.token()
            let (kept, forgotten) = ("13500135000", "13400134000")
            for phone in [kept, forgotten] {
                #expect(try await partner.relay(phone, token: token, consentDays: 5).status == 200)
            }
            let connection = try PostgresConnection(harness.connectionString)
            func rows(_ table: String, _ phone: String) throws -> Int64 {
                let key = Fixtures.phoneKeyer.key(for: try #require(Phone(phone))).bytes
                return try connection.execute("SELECT count(*) FROM \(table) WHERE phone_key = $1", .bytes(key)).int64(
                    0, 0) ?? -1
            }
            #expect(try rows("partner_reads", forgotten) == 1)
            #expect(try rows("partner_consents", forgotten) == 1)
            // Retention forgets one phone: its rows go, the other's stay.
            try PipelineStore(connection: connection).expire([
                Fixtures.phoneKeyer.key(for: try #require(Phone(forgotten)))
            ])
            #expect(try rows("partner_reads", forgotten) == 0)
            #expect(try rows("partner_consents", forgotten) == 0)
            #expect(try rows("partner_reads", kept) == 1)
            #expect(try await partner.readAgain(forgotten, token: token).errorCode == "no_consent")
            try PipelineStore(connection: connection).purgeAll()
            #expect(try connection.execute("SELECT count(*) FROM partner_reads").int64(0, 0) == 0)
            #expect(try connection.execute("SELECT count(*) FROM partner_consents").int64(0, 0) == 0)
            // The partner itself is the operator's, not a phone's: it stays.
            #expect(try PartnerRegistry.all(on: connection).map(\.clientID) == [partner.clientID])
        }
    }

    /// Polls `condition` every 100 ms for up to 10 s.
    static func waitUntil(_ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("condition not met within 10 s")
    }
}
