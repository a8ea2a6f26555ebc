import Foundation
import ItineraryService
import Testing

/// Runs `Tests/browser/check_page.py` (headless Chromium over the DevTools protocol) against a
/// real server whose console gateway mirrors SMS to a file. Skipped when Chromium is missing or
/// `ITINERARY_SKIP_BROWSER=1`. The screenshot lands in `Tests/artifacts/card.png`.
@Suite("Page in a real browser", .timeLimit(.minutes(2)))
struct BrowserPageTests {
    static let chromium = "/usr/bin/chromium"
    static var enabled: Bool {
        FileManager.default.isExecutableFile(atPath: chromium)
            && ProcessInfo.processInfo.environment["ITINERARY_SKIP_BROWSER"] != "1"
    }

    @Test("fill the form, read the code from the console gateway, see the card", .enabled(if: enabled))
    func page() async throws {
        let root = BrowserCheck.root
        let smsLog = FileManager.default.temporaryDirectory.appendingPathComponent("sms-\(UUID().uuidString).log").path
        let harness = try await TestHarness.start(label: "browser") { $0.smsGateway = .console(mirrorPath: smsLog) }
        defer { try? FileManager.default.removeItem(atPath: smsLog) }

        let check = try await BrowserCheck.run(
            "check_page.py",
            [
                "--url", "http://127.0.0.1:\(harness.server.port)/", "--sms-log", smsLog, "--phone", "13800138000",
                "--screenshot", root.appendingPathComponent("Tests/artifacts/card.png").path,
                "--expect-places", "浙江省杭州市*，北京市", "--expect-time", "2022.05.14 08:00:00", "--expect-color", "green",
            ])
        await harness.server.stop()
        #expect(check.status == 0, "\(String(decoding: check.output, as: UTF8.self))")
    }
}
