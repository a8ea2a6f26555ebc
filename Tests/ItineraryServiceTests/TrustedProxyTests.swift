import Foundation
import ItineraryService
import ItineraryTestTags
import Testing

@Suite("Behind a TLS proxy: X-Forwarded-For only from trusted proxies", .tags(.integration), .timeLimit(.minutes(1)))
struct TrustedProxyTests {
    /// The test client connects from 127.0.0.1: a trusted proxy when the harness says so.
    static let loopback = TrustedProxies([AddressRange("127.0.0.0/8")!])

    @Test("a trusted peer's X-Forwarded-For is the client: per-address limits and token binding follow it")
    func trustedPeer() async throws {
        try await TestHarness.with(
            label: "proxytrusted",
            configure: {
                $0.trustedProxies = Self.loopback
                $0.clientLimits.codeRequestsPerMinute = 2
            }
        ) { harness in
            let code = try await harness.sendAndReadCode("13800138010", client: "203.0.113.7")
            let token = try #require(
                try await harness.verify("13800138010", code: code, client: "203.0.113.7").json["token"] as? String)
            #expect(try await harness.showAgain(token: token, client: "203.0.113.7").status == 200)
            // A made-up entry left of the proxy's own is ignored; a trusted hop on the right is skipped.
            #expect(try await harness.showAgain(token: token, client: "198.51.100.66, 203.0.113.7").status == 200)
            #expect(try await harness.showAgain(token: token, client: "203.0.113.7, 127.0.0.9").status == 200)
            // Another client behind the same proxy cannot use the token.
            #expect(try await harness.showAgain(token: token, client: "203.0.113.8").status == 401)
            #expect(try await harness.showAgain(token: token, client: "203.0.113.7, 203.0.113.8").status == 401)

            // Limits are per forwarded address, not per proxy.
            #expect(try await harness.requestCode("13800138011", client: "203.0.113.7").status == 200)
            let limited = try await harness.requestCode("13800138012", client: "203.0.113.7")
            #expect(limited.status == 429)
            #expect(limited.errorCode == "rate_limited")
            #expect(try await harness.requestCode("13800138012", client: "203.0.113.9").status == 200)
        }
    }

    @Test("an untrusted peer's X-Forwarded-For is ignored: limits and tokens stay with the socket peer")
    func untrustedPeer() async throws {
        for proxies in [TrustedProxies(), TrustedProxies([AddressRange("10.0.0.0/8")!, AddressRange("::1")!])] {
            try await TestHarness.with(
                label: "proxyuntrusted",
                configure: {
                    $0.trustedProxies = proxies
                    $0.clientLimits.codeRequestsPerMinute = 2
                }
            ) { harness in
                let code = try await harness.sendAndReadCode("13800138020", client: "203.0.113.7")
                let token = try #require(
                    try await harness.verify("13800138020", code: code, client: "203.0.113.7").json["token"] as? String)
                // Bound to 127.0.0.1 whatever the header claims.
                #expect(try await harness.showAgain(token: token, client: "198.51.100.1").status == 200, "\(proxies)")
                #expect(
                    try await harness.client.get("/v1/itinerary", headers: ["Authorization": "Bearer \(token)"]).status
                        == 200)

                // A new X-Forwarded-For per request does not buy a new limit.
                #expect(try await harness.requestCode("13800138021", client: "203.0.113.8").status == 200)
                #expect(try await harness.requestCode("13800138022", client: "203.0.113.9").status == 429, "\(proxies)")
            }
        }
    }

    @Test(
        "the walk from the right over IPv4 and IPv6 proxies",
        arguments: [
            // (peer, X-Forwarded-For lines, client)
            ("192.0.2.1", ["203.0.113.7"], "192.0.2.1"),  // peer not trusted: the header never counts
            ("10.0.0.2", [], "10.0.0.2"),
            ("10.0.0.2", ["203.0.113.7"], "203.0.113.7"),
            ("10.0.0.2", ["198.51.100.1, 203.0.113.7, 10.9.9.9"], "203.0.113.7"),
            ("10.0.0.2", ["198.51.100.1", "203.0.113.7 , 10.9.9.9"], "203.0.113.7"),  // several header lines
            ("10.0.0.2", ["10.1.1.1, 10.2.2.2"], "10.1.1.1"),  // all trusted: the farthest
            ("10.0.0.2", ["203.0.113.7, junk, 10.9.9.9"], "10.9.9.9"),  // malformed: stop at the last trusted hop
            ("::ffff:10.0.0.2", ["203.0.113.7"], "203.0.113.7"),  // IPv4 peer on a dual-stack socket
            ("2001:db8:1::5", ["2001:DB8:0:0::7, 2001:db8:1::9"], "2001:db8::7"),
            ("2001:db8:2::5", ["203.0.113.7"], "2001:db8:2::5"),
            ("2001:db8:1::5", ["[2001:db8::7]"], "2001:db8::7"),
        ])
    func walk(peer: String, forwardedFor: [String], client: String) {
        let proxies = TrustedProxies([AddressRange("10.0.0.0/8")!, AddressRange("2001:db8:1::/48")!])
        #expect(proxies.client(peer: peer, forwardedFor: forwardedFor) == client)
    }

    @Test("CIDR parsing")
    func ranges() {
        for valid in ["10.0.0.0/8", "192.0.2.7", "0.0.0.0/0", "2001:db8::/32", "::1", "::/0", "::ffff:10.0.0.0/104"] {
            #expect(AddressRange(valid) != nil, "\(valid)")
        }
        for invalid in [
            "", "10.0.0.0/33", "10.0.0/8", "10.0.0.0/", "/8", "2001:db8::/129", "example.com", "10.0.0.0/8/8",
            "::ffff:10.0.0.0/64",
        ] {
            #expect(AddressRange(invalid) == nil, "\(invalid)")
        }
        #expect(AddressRange("10.1.2.3/8")?.description == "10.0.0.0/8")
    }
}
