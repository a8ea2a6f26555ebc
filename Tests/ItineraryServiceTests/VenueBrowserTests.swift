import Foundation
import ItineraryCore
import ItineraryService
import ItineraryTestSupport
import ItineraryTestTags
import Testing

/// Runs `Tests/browser/check_venue.py`: the card page's QR code, read back from a screenshot with
/// zbarimg, verifies with `itinerary verify` and offline on `/verify`, which also refuses an
/// expired, a tampered, an over-long and an unknown key's code with the reason only (never their
/// claims), shows no-data and stale codes gray, accepts a retired key's code after a rotation and,
/// left open, refuses it once the key is withdrawn (`itinerary keys revoke`); a browser asking for
/// English gets the page, the code SMS and the place names in English. Verdict screenshots land in
/// `Tests/artifacts/states/` (docs/images/ holds copies). The screenshot and the JSON summary land in `Tests/artifacts/`. Skipped when Chromium or zbarimg is missing or `ITINERARY_SKIP_BROWSER=1`.
@Suite("Venue verification in a real browser", .tags(.integration), .timeLimit(.minutes(3)))
struct VenueBrowserTests {
    static var enabled: Bool {
        BrowserPageTests.enabled && FileManager.default.isExecutableFile(atPath: "/usr/bin/zbarimg")
    }

    @Test(
        "scan the card's QR from a screenshot, verify it with the CLI and on /verify; refusals show their reason; the page in English",
        .enabled(if: enabled))
    func venue() async throws {
        let root = BrowserCheck.root
        let smsLog = FileManager.default.temporaryDirectory.appendingPathComponent("sms-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: smsLog) }
        // A state directory that has been through a rotation: `retired` only has its public key left.
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("venue-\(UUID().uuidString)").path
        let retired = try AttestationSigner.loadOrCreate(inDirectory: state)
        try FileManager.default.removeItem(atPath: state + "/attestation-ed25519.key")
        let current = try AttestationSigner.loadOrCreate(inDirectory: state)

        // The browser and the CLI judge expiry by the wall clock; the data is half an hour old.
        let now = Int64(Date().timeIntervalSince1970)
        let harness = try await TestHarness.start(label: "venue", cardSource: FixedCardSource(watermark: now - 1800)) {
            $0.smsGateway = .console(mirrorPath: smsLog)
            $0.stateDirectory = state
        }
        harness.clock.set(now)

        let valid = try #require(try current.signCode(CardCodeTests.payload(signer: current, issued: now)))
        let expired = try #require(try current.signCode(CardCodeTests.payload(signer: current, issued: now - 600)))
        let tampered = try CardCodeTests.tampered(valid, byte: 13, to: 0)
        let stranger = AttestationSigner.random()
        let unknown = try #require(try stranger.signCode(CardCodeTests.payload(signer: stranger, issued: now)))
        let oldKey = try #require(try retired.signCode(CardCodeTests.payload(signer: retired, issued: now)))
        let tooLong = try #require(
            try current.signCode(CardCodeTests.payload(signer: current, issued: now, lifetime: 365 * 86_400)))
        var grays: [String] = []
        for status in ["no_data", "stale"] {
            var payload = CardCodeTests.payload(signer: current, issued: now)
            (payload.color, payload.status) = ("gray", status)
            if status == "no_data" { payload.places = [] }
            grays += ["--gray", "\(status)=\(try #require(try current.signCode(payload)))"]
        }
        let revoke = [
            BuiltExecutable.itinerary.path, "keys", "revoke", "--database", harness.connectionString, "--state", state,
            retired.keyID,
        ]

        let check = try await BrowserCheck.run(
            "check_venue.py",
            [
                "--url", "http://127.0.0.1:\(harness.server.port)/", "--sms-log", smsLog, "--phone", "13800138000",
                "--itinerary", BuiltExecutable.itinerary.path, "--state", state,
                "--screenshot", root.appendingPathComponent("Tests/artifacts/card-qr.png").path,
                "--expect-places", "浙江省杭州市*，北京市",
                "--refuse", "expired=\(expired)", "--refuse", "bad_signature=\(tampered)", "--refuse",
                "unknown_key=\(unknown)", "--refuse", "lifetime_too_long=\(tooLong)",
                "--accept", oldKey, "--revoke", oldKey,
                "--revoke-cmd", String(decoding: try JSONSerialization.data(withJSONObject: revoke), as: UTF8.self),
                "--shots", root.appendingPathComponent("Tests/artifacts/states").path,
                "--english-phone", "13800138001", "--expect-places-en", "Hangzhou, Zhejiang*, Beijing",
            ] + grays)
        await harness.server.stop()
        // The summary carries the pages' sizes and first paint for the README.
        try? check.output.write(to: root.appendingPathComponent("Tests/artifacts/venue-check.json"))
        #expect(check.status == 0, "\(String(decoding: check.output, as: UTF8.self))")
    }
}
