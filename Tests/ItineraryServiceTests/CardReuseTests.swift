import Foundation
import ItineraryCore
import ItineraryPostgres
import ItineraryService
import ItineraryStore
import ItineraryTestTags
import Testing

@Suite("Card re-reads reuse the presented card only while it stands", .tags(.integration), .timeLimit(.minutes(1)))
struct CardReuseTests {
    @Test("a re-read shows the card presented last until new data, a new contact list or its age says otherwise")
    func reuseAndInvalidation() async throws {
        // The source's version is asked on every request here, so each change shows at once.
        let harness = try await TestHarness.start(
            label: "cardreuse", storeCards: true, configure: { $0.cardChangeCheckInterval = .zero })
        do {
            let phone = "13800138030"
            let token = try #require(
                try await harness.verify(phone, code: harness.sendAndReadCode(phone)).json["token"] as? String)
            func reread() async throws -> (generatedAt: String?, color: String?, attestation: String?) {
                let response = try await harness.showAgain(token: token)
                #expect(response.status == 200, "\(response.text)")
                return (
                    response.json["generated_at"] as? String, response.json["color"] as? String,
                    response.json["attestation"] as? String
                )
            }
            // The store knows nothing of the phone: a gray card, reused like any other.
            let first = try await reread()
            #expect(first.generatedAt == UTCTimestamp.format(Fixtures.start))
            #expect(first.color == "gray")

            // Nothing changed: the same card and attestation, 30 s later.
            harness.clock.advance(by: 30)
            let reused = try await reread()
            #expect(reused.generatedAt == first.generatedAt)
            #expect(reused.attestation == first.attestation)

            // A pipeline commit (here one with no files) may change any card: computed afresh.
            let connection = try PostgresConnection(harness.connectionString)
            try PipelineStore(connection: connection).commit([], writes: [], newestAccepted: Fixtures.watermark)
            let afterCommit = try await reread()
            #expect(afterCommit.generatedAt == UTCTimestamp.format(Fixtures.start + 30))
            #expect(afterCommit.attestation != first.attestation)

            // A new close-contact list naming the phone turns its card orange at once.
            harness.clock.advance(by: 10)
            let key = Fixtures.phoneKeyer.key(for: Phone(phone)!)
            try ReferenceStore(connection: connection).replaceContacts(
                [(key, ActivePeriod(start: Fixtures.start - 86_400, end: nil))], source: "test")
            let contact = try await reread()
            #expect(contact.color == "orange")
            #expect(contact.generatedAt == UTCTimestamp.format(Fixtures.start + 40))

            // A card is shown again for at most a minute.
            harness.clock.advance(by: 60)
            #expect(try await reread().generatedAt == UTCTimestamp.format(Fixtures.start + 100))
        } catch {
            await harness.server.stop()
            throw error
        }
        await harness.server.stop()
    }
}
