import Foundation
import ItineraryStore
import ItineraryTestTags
import Testing

@Suite("ItinerarySettings: one read of the environment", .tags(.unit))
struct ItinerarySettingsTests {
    static let secret = "a-phone-key-secret-of-32-bytes!!"

    @Test func readsEachVariableByItsDocumentedName() {
        let settings = ItinerarySettings(environment: [
            "DATABASE_URL": "postgresql://h/db", "PGHOST": "/run/postgresql", "ITINERARY_STATE": "/srv/state",
            "ITINERARY_SQL_DIR": "/opt/sql", "ITINERARY_PG_BINDIR": "/opt/pg/bin", "PATH": "/a:/b",
            "ITINERARY_TEST_DATABASE_URL": "postgresql://t/db", "ITINERARY_TEST_STATE_DIR": "/tmp/t",
            "ITINERARY_PHONE_KEY_SECRET": Self.secret, "ITINERARY_SMS_INBOUND_SECRET": "inbound-secret-16",
        ])
        #expect(settings.databaseURL == "postgresql://h/db")
        #expect(settings.libpqHost == "/run/postgresql")
        #expect(settings.stateDirectory == "/srv/state")
        #expect(settings.sqlDirectory == "/opt/sql")
        #expect(settings.postgresBinDirectory == "/opt/pg/bin")
        #expect(settings.executableDirectories(fallback: "/usr/bin") == ["/a", "/b"])
        #expect(settings.testDatabaseURL == "postgresql://t/db")
        #expect(settings.testStateDirectory == "/tmp/t")
        #expect(settings.secret(.phoneKey) == Array(Self.secret.utf8))
        #expect(settings.secret(.smsInbound) == Array("inbound-secret-16".utf8))
        #expect(settings.secret(.smsWebhook) == nil)
    }

    @Test func anEmptyVariableCountsAsUnset() {
        let settings = ItinerarySettings(environment: [
            "DATABASE_URL": "", "ITINERARY_STATE": "", "PATH": "", "ITINERARY_PHONE_KEY_SECRET": "",
        ])
        #expect(settings.databaseURL == nil && settings.stateDirectory == nil)
        #expect(settings.executableDirectories(fallback: "/usr/bin:/bin") == ["/usr/bin", "/bin"])
        #expect(settings.secret(.phoneKey) == nil)
    }

    /// A secret is never logged: printing the settings shows which are set, not their values
    /// (nor a database URL's, which may carry a password).
    @Test func describingTheSettingsShowsNoSecret() {
        let settings = ItinerarySettings(environment: [
            "DATABASE_URL": "postgresql://u:hunter2@h/db", "ITINERARY_PHONE_KEY_SECRET": Self.secret,
            "ITINERARY_SMS_WEBHOOK_SECRET": "webhook-secret-value",
        ])
        for shown in [settings.description, "\(settings)", String(reflecting: settings)] {
            #expect(!shown.contains(Self.secret) && !shown.contains("webhook-secret-value"), "\(shown)")
            #expect(!shown.contains("hunter2"), "\(shown)")
            #expect(shown.contains("ITINERARY_PHONE_KEY_SECRET"), "\(shown)")
        }
    }

    @Test func aSecretComesFromItsVariableElseItsFileWhichIsGeneratedOnce() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: state) }
        let fromVariable = try Secrets.secret(
            .phoneKey, stateDirectory: state,
            settings: ItinerarySettings(environment: ["ITINERARY_PHONE_KEY_SECRET": Self.secret]))
        #expect(fromVariable == Array(Self.secret.utf8))
        #expect(!FileManager.default.fileExists(atPath: state.appendingPathComponent("phone-key.secret").path))

        let none = ItinerarySettings(environment: [:])
        let generated = try Secrets.secret(.smsInbound, stateDirectory: state, settings: none)
        #expect(generated.count == 32)
        #expect(try Secrets.secret(.smsInbound, stateDirectory: state, settings: none) == generated)
        #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent("sms-inbound.secret").path))
    }
}
