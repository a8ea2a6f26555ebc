import Foundation
import ItineraryCore
import ItineraryPostgres
import ItineraryService
import ItineraryStore

/// A lookup service registered in the harness's store, and its calls.
struct PartnerClient: Sendable {
    let harness: TestHarness
    let clientID: String
    let secret: String
    let name: String

    /// `POST /v1/oauth/token` with HTTP Basic; the access token.
    func token(scope: String? = nil) async throws -> String {
        let response = try await requestToken(scope: scope)
        guard response.status == 200, let token = response.json["access_token"] as? String else {
            throw TestFailure("token: \(response.status) \(response.text)")
        }
        return token
    }

    /// `POST /v1/oauth/token` with HTTP Basic, or with form fields when `secret` is given: a
    /// refused Basic answer carries a `WWW-Authenticate: Basic` challenge, which URLSession would
    /// try to answer itself (``basicChallenge(secret:)`` reads it raw).
    func requestToken(scope: String? = nil, secret: String? = nil) async throws -> HTTPResult {
        var form =
            "grant_type=client_credentials"
            + (scope.map { "&scope=" + $0.replacingOccurrences(of: " ", with: "+") } ?? "")
        var headers = ["Content-Type": "application/x-www-form-urlencoded"]
        if let secret {
            form += "&client_id=\(clientID)&client_secret=\(secret)"
        } else {
            headers["Authorization"] = "Basic " + Data("\(clientID):\(self.secret)".utf8).base64EncodedString()
        }
        return try await harness.client.send("POST", "/v1/oauth/token", body: Data(form.utf8), headers: headers)
    }

    /// The raw answer to a token request with a wrong secret in HTTP Basic.
    func basicChallenge(secret: String) throws -> String {
        let socket = try RawSocket(port: harness.server.port)
        let body = "grant_type=client_credentials"
        let basic = Data("\(clientID):\(secret)".utf8).base64EncodedString()
        try socket.send(
            "POST /v1/oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic \(basic)\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n"
                + "Connection: close\r\n\r\n\(body)")
        return String(decoding: socket.readToEnd(timeout: .seconds(5)), as: UTF8.self)
    }

    func requestCode(_ phone: String, token: String, consentDays: Int = 0) async throws -> HTTPResult {
        try await harness.client.post(
            "/v1/partner/otp", json: #"{"phone":"\#(phone)","consent_days":\#(consentDays)}"#,
            headers: ["Authorization": "Bearer \(token)"])
    }

    func verify(_ phone: String, code: String, token: String, consentDays: Int = 0) async throws -> HTTPResult {
        try await harness.client.post(
            "/v1/partner/itinerary", json: #"{"phone":"\#(phone)","code":"\#(code)","consent_days":\#(consentDays)}"#,
            headers: ["Authorization": "Bearer \(token)"])
    }

    func readAgain(_ phone: String, token: String) async throws -> HTTPResult {
        try await harness.client.get(
            "/v1/partner/itinerary?phone=\(phone)", headers: ["Authorization": "Bearer \(token)"])
    }

    /// The whole relay: code requested, read from the gateway, checked; the card answer.
    func relay(_ phone: String, token: String, consentDays: Int = 0) async throws -> HTTPResult {
        let digits = Phone(phone)?.digits ?? phone
        let before = harness.gateway.all.filter { $0.phone == digits }.count
        let sent = try await requestCode(phone, token: token, consentDays: consentDays)
        guard sent.status == 200 else { throw TestFailure("partner otp \(phone): \(sent.status) \(sent.text)") }
        let deadline = ContinuousClock.now + .seconds(10)
        var code: String?
        while code == nil, ContinuousClock.now < deadline {
            let fresh = harness.gateway.all.filter { $0.phone == digits }.dropFirst(before).last {
                $0.body.contains("验证码")
            }
            if let body = fresh?.body, let range = body.range(of: #"\d{6}"#, options: .regularExpression) {
                code = String(body[range])
            }
            if code == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        guard let code else { throw TestFailure("no partner code SMS for \(phone)") }
        return try await verify(phone, code: code, token: token, consentDays: consentDays)
    }
}

extension TestHarness {
    /// Registers a partner in the store, as `itinerary partners add` does.
    func addPartner(
        _ name: String = "某某健康码", rps: Int = 1000, readsPerDay: Int = 100_000,
        scopes: Set<PartnerScope> = [.relay, .consent]
    ) throws -> PartnerClient {
        let (clientID, secret) = try PartnerRegistry.add(
            name: name, terms: .init(requestsPerSecond: rps, readsPerDay: readsPerDay, scopes: scopes),
            at: clock.now(), on: PostgresConnection(connectionString))
        return PartnerClient(harness: self, clientID: clientID, secret: secret, name: name)
    }
}
