import Foundation
import ItineraryCore
import ItineraryService
import ItineraryTestTags
import Testing

/// Runs `Tests/browser/check_page.py` (headless Chromium over the DevTools protocol) against a
/// real server whose console gateway mirrors SMS to a file. Skipped when Chromium is missing or
/// `ITINERARY_SKIP_BROWSER=1`. The screenshot lands in `Tests/artifacts/card.png`.
@Suite("Page in a real browser", .tags(.integration), .timeLimit(.minutes(2)))
struct BrowserPageTests {
    static let chromium = "/usr/bin/chromium"
    static var enabled: Bool {
        FileManager.default.isExecutableFile(atPath: chromium)
            && ProcessInfo.processInfo.environment["ITINERARY_SKIP_BROWSER"] != "1"
    }

    @Test(
        "type the number as a person would (+86, parentheses, dashes, full-width digits), read the code, see the card",
        .enabled(if: enabled))
    func page() async throws {
        let root = BrowserCheck.root
        let smsLog = FileManager.default.temporaryDirectory.appendingPathComponent("sms-\(UUID().uuidString).log").path
        let harness = try await TestHarness.start(label: "browser") { $0.smsGateway = .console(mirrorPath: smsLog) }
        defer { try? FileManager.default.removeItem(atPath: smsLog) }

        let check = try await BrowserCheck.run(
            "check_page.py",
            [
                "--url", "http://127.0.0.1:\(harness.server.port)/", "--sms-log", smsLog, "--phone", "13800138000",
                "--typed-phone", "+86 (138) 0013-８０００", "--screenshot",
                root.appendingPathComponent("Tests/artifacts/card.png").path,
                "--expect-places", "浙江省杭州市*，北京市", "--expect-time", "2022.05.14 07:30:00", "--expect-color", "green",
            ])
        await harness.server.stop()
        #expect(check.status == 0, "\(String(decoding: check.output, as: UTF8.self))")
    }

    @Test(
        "谁查询了我的行程卡: a lookup service's read and consent on the card page, withdrawn with its button",
        .enabled(if: enabled))
    func partnerAudit() async throws {
        let root = BrowserCheck.root
        let smsLog = FileManager.default.temporaryDirectory.appendingPathComponent("sms-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: smsLog) }
        let harness = try await TestHarness.start(label: "auditpage") { $0.smsGateway = .console(mirrorPath: smsLog) }
        do {
            let partner = try harness.addPartner()
            let token = try await partner.token()
            #expect(try await partner.requestCode("13800138000", token: token, consentDays: 7).status == 200)
            let code = try await Self.code(in: smsLog, to: "138****8000")
            #expect(try await partner.verify("13800138000", code: code, token: token, consentDays: 7).status == 200)
            #expect(try await partner.readAgain("13800138000", token: token).status == 200)
            // The person's own code may follow the partner's after the per-phone minute.
            harness.clock.advance(by: 120)
            let check = try await BrowserCheck.run(
                "check_page.py",
                [
                    "--url", "http://127.0.0.1:\(harness.server.port)/", "--sms-log", smsLog, "--phone", "13800138000",
                    "--screenshot", root.appendingPathComponent("Tests/artifacts/card-audit.png").path,
                    "--expect-audit", partner.name,
                    "--audit-screenshot", root.appendingPathComponent("docs/images/partner-audit.png").path,
                ])
            #expect(check.status == 0, "\(String(decoding: check.output, as: UTF8.self))")
            // Withdrawn on the page: the partner is refused at once.
            #expect(try await partner.readAgain("13800138000", token: token).errorCode == "no_consent")
        } catch {
            await harness.server.stop()
            throw error
        }
        await harness.server.stop()
    }

    /// The last 6-digit code the console gateway mirrored to `masked`.
    static func code(in log: String, to masked: String) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").last(where: { $0.contains("SMS to \(masked):") }),
                let range = line.range(of: #"\d{6}"#, options: .regularExpression)
            {
                return String(line[range])
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("no code to \(masked) in \(log)")
    }

    @Test(
        "a number the store does not know shows a gray no-data card, stale data a gray stale card with its time",
        .enabled(if: enabled))
    func grayCards() async throws {
        let root = BrowserCheck.root
        let smsLog = FileManager.default.temporaryDirectory.appendingPathComponent("sms-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: smsLog) }
        let shots = root.appendingPathComponent("Tests/artifacts/states")
        // One store, data 7 hours old: over the 6-hour bound for the stale card, within a 12-hour one for no data.
        for (label, phone, maxLag, status, banner, places) in [
            ("nodatapage", "13800138000", Duration.seconds(12 * 3600), "no_data", "暂无行程数据", "暂无行程数据"),
            ("stalepage", CardStateTests.known.digits, Duration.seconds(6 * 3600), "stale", "数据更新滞后", "浙江省杭州市，北京市"),
        ] {
            let database = try TestHarness.migratedDatabase(label: label)
            try StoreSeed.write([CardStateTests.known], dataTime: Fixtures.start - 7 * 3600, to: database)
            let harness = try await TestHarness.start(label: label, connectionString: database, storeCards: true) {
                $0.smsGateway = .console(mirrorPath: smsLog)
                $0.maxDataLag = maxLag
            }
            let check = try await BrowserCheck.run(
                "check_page.py",
                [
                    "--url", "http://127.0.0.1:\(harness.server.port)/", "--sms-log", smsLog, "--phone", phone,
                    "--screenshot", shots.appendingPathComponent("\(status).png").path, "--shot-scale", "0.5",
                    "--expect-status", status, "--expect-color", "gray", "--expect-banner", banner,
                    "--expect-places", places, "--expect-time", "2022.05.14 01:00:00",
                ])
            await harness.server.stop()
            #expect(check.status == 0, "\(String(decoding: check.output, as: UTF8.self))")
        }
    }
}
