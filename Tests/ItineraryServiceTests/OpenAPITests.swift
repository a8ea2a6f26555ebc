import Foundation
import ItineraryCore
import ItineraryStore
import ItineraryTestTags
import Testing

@testable import ItineraryService

/// `docs/openapi.yaml`, which partners generate clients from, against the server: the same paths
/// and methods as the router, and live answers carrying every field its schemas require.
@Suite("OpenAPI description against the server", .tags(.integration), .timeLimit(.minutes(1)))
struct OpenAPITests {
    static let document =
        (try? String(
            contentsOf: BrowserCheck.root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)) ?? ""

    /// `path → methods` under `paths:` (the file's own layout: paths at indent 2, methods at 4).
    static var documentedRoutes: [String: Set<String>] {
        var routes: [String: Set<String>] = [:]
        var inPaths = false
        var path: String?
        for line in document.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
                routes[path!, default: []] = []
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let word = line.dropFirst(4).prefix { $0 != ":" }
                if ["get", "post", "put", "delete", "patch"].contains(word) {
                    routes[path, default: []].insert(String(word))
                }
            }
        }
        return routes
    }

    /// The fields `schema` requires at its top level, through `allOf` too.
    static func required(_ schema: String) -> Set<String> {
        let lines = document.split(separator: "\n").map(String.init)
        guard let schemas = lines.firstIndex(of: "  schemas:"),
            let start = lines[schemas...].firstIndex(of: "    \(schema):")
        else { return [] }
        var fields: Set<String> = []
        var inAllOfItem = false
        for line in lines[(start + 1)...] {
            let indent = line.prefix { $0 == " " }.count
            if indent <= 4 { break }
            let text = line.trimmingCharacters(in: .whitespaces)
            if indent == 8 { inAllOfItem = text.hasPrefix("- type:") }
            if indent == 8, text.hasPrefix("- $ref: \"#/components/schemas/") {
                fields.formUnion(required(String(text.dropFirst("- $ref: \"#/components/schemas/".count).dropLast())))
            }
            if text.hasPrefix("required: ["), indent == 6 || (indent == 10 && inAllOfItem) {
                fields.formUnion(
                    text.dropFirst("required: [".count).dropLast().split(separator: ",").map {
                        $0.trimmingCharacters(in: .whitespaces)
                    })
            }
        }
        return fields
    }

    /// Records the fields of `schema` that `response` lacks (and that the schema requires any).
    static func expectShape(_ response: HTTPResult, _ schema: String, sourceLocation: SourceLocation = #_sourceLocation)
    {
        let fields = required(schema)
        #expect(!fields.isEmpty, "schema \(schema) requires nothing", sourceLocation: sourceLocation)
        let missing = fields.filter { response.json[$0] == nil }
        #expect(missing.isEmpty, "\(schema): \(response.text) lacks \(missing)", sourceLocation: sourceLocation)
    }

    @Test("every route of the router is described, with its methods, and nothing else")
    func routesMatch() async throws {
        let harness = try await TestHarness.start(label: "openapi")
        let routes = RouteMethods()
        _ = harness.lookup.makeRouter(routes: routes)
        await harness.server.stop()
        var served: [String: Set<String>] = [:]
        for (path, methods) in routes.all {
            let described = path.split(separator: "/", omittingEmptySubsequences: false).map { part in
                part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
            }.joined(separator: "/")
            served[described] = Set(methods.filter { $0 != "HEAD" }.map { $0.lowercased() })
        }
        #expect(served.count >= 17)
        #expect(served == Self.documentedRoutes)
    }

    @Test("live answers carry what the schemas require")
    func shapes() async throws {
        try await TestHarness.with(label: "openapishapes") { harness in
            Self.expectShape(try await harness.client.get("/healthz"), "Health")
            Self.expectShape(try await harness.client.get("/readyz"), "Ready")
            Self.expectShape(try await harness.client.get("/v1/places"), "Places")
            Self.expectShape(try await harness.client.get("/v1/attestation/keys"), "Keys")
            Self.expectShape(try await harness.requestCode("13800138000"), "CodeSent")
            Self.expectShape(try await harness.verify("13800138000", code: "000000"), "Error")
            let signedIn = try await harness.signIn("13900139000")
            Self.expectShape(signedIn, "CardWithToken")
            let person = try #require(signedIn.json["token"] as? String)
            Self.expectShape(try await harness.showAgain(token: person), "Card")
            Self.expectShape(try await harness.cardCode(token: person), "CardCode")

            let partner = try harness.addPartner()
            Self.expectShape(try await partner.requestToken(), "TokenResponse")
            Self.expectShape(try await partner.requestToken(secret: "wrong"), "OAuthError")
            let token = try await partner.token()
            harness.clock.advance(by: 120)
            let card = try await partner.relay("13900139000", token: token, consentDays: 3)
            Self.expectShape(card, "PartnerCard")
            let code = try #require(card.json["card_code"] as? [String: Any])
            #expect(Self.required("CardCode").allSatisfy { code[$0] != nil }, "\(code.keys)")
            Self.expectShape(try await partner.readAgain("13900139000", token: token), "PartnerCard")
            Self.expectShape(try await partner.requestCode("13700137000", token: token), "CodeSent")
            let bearer = ["Authorization": "Bearer \(person)", "X-Forwarded-For": "10.0.0.1"]
            Self.expectShape(try await harness.client.get("/v1/itinerary/partners", headers: bearer), "PartnerAudit")
            Self.expectShape(
                try await harness.client.send("DELETE", "/v1/itinerary/partners/\(partner.clientID)", headers: bearer),
                "Withdrawn")
        }
    }
}
