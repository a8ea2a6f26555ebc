import Foundation
import ItineraryCore
import ItineraryService
import ItineraryTestSupport
import Testing

/// Runs `Tests/browser/check_venue.py`: the card page's QR code, read back from a screenshot with
/// zbarimg, verifies with `itinerary verify` and offline on `/verify`, which also refuses an
/// expired, a tampered and an unknown key's code with the reason, and accepts a retired key's
/// code after a rotation; a browser asking for English gets the page, the code SMS and the place
/// names in English. The screenshot and the JSON summary land in `Tests/artifacts/`. Skipped when Chromium or zbarimg is missing or `ITINERARY_SKIP_BROWSER=1`.
@Suite("Venue verification in a real browser", .timeLimit(.minutes(2)))
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

        let harness = try await TestHarness.start(label: "venue") {
            $0.smsGateway = .console(mirrorPath: smsLog)
            $0.stateDirectory = state
        }
        // The browser and the CLI judge expiry by the wall clock.
        let now = Int64(Date().timeIntervalSince1970)
        harness.clock.set(now)

        let valid = try #require(try current.signCode(CardCodeTests.payload(signer: current, issued: now)))
        let expired = try #require(try current.signCode(CardCodeTests.payload(signer: current, issued: now - 600)))
        let tampered = try CardCodeTests.tampered(valid, byte: 13, to: 0)
        let stranger = AttestationSigner.random()
        let unknown = try #require(try stranger.signCode(CardCodeTests.payload(signer: stranger, issued: now)))
        let oldKey = try #require(try retired.signCode(CardCodeTests.payload(signer: retired, issued: now)))

        let check = try await BrowserCheck.run(
            "check_venue.py",
            [
                "--url", "http://127.0.0.1:\(harness.server.port)/", "--sms-log", smsLog, "--phone", "13800138000",
                "--itinerary", BuiltExecutable.itinerary.path, "--state", state,
                "--screenshot", root.appendingPathComponent("Tests/artifacts/card-qr.png").path,
                "--expect-places", "浙江省杭州市*，北京市",
                "--refuse", "expired=\(expired)", "--refuse", "bad_signature=\(tampered)", "--refuse",
                "unknown_key=\(unknown)",
                "--accept", oldKey,
                "--english-phone", "13800138001", "--expect-places-en", "Hangzhou, Zhejiang*, Beijing",
            ])
        await harness.server.stop()
        // The summary carries the pages' sizes and first paint for the README.
        try? check.output.write(to: root.appendingPathComponent("Tests/artifacts/venue-check.json"))
        #expect(check.status == 0, "\(String(decoding: check.output, as: UTF8.self))")
    }
}
