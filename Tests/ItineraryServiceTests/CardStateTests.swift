import Foundation
import ItineraryCore
import ItineraryStore
import ItineraryTestSupport
import ItineraryTestTags
import Testing

@testable import ItineraryService

/// A card says only what the store knows (docs/card-states.md): a phone the store holds nothing
/// for gets a gray "no data" card, data that lags the clock gives gray "stale" cards, and no
/// checker passes either as green.
@Suite("Card states: no data and stale are gray, never green", .tags(.integration), .timeLimit(.minutes(2)))
struct CardStateTests {
    static let known = Phone("13800138010")!
    static let unknown = "13800138000"

    /// A harness over a store holding `known` with the data time `dataTime`.
    static func harness(
        label: String, dataTime: Int64, configure: (inout ServiceConfiguration) -> Void = { _ in }
    ) async throws -> TestHarness {
        let database = try TestHarness.migratedDatabase(label: label)
        try StoreSeed.write([known], dataTime: dataTime, to: database)
        return try await TestHarness.start(
            label: label, connectionString: database, storeCards: true, configure: configure)
    }

    @Test(
        "an unknown number, over the OTP flow and by SMS: a gray no-data card, no green attestation or code, refused by every checker"
    )
    func noData() async throws {
        let harness = try await Self.harness(label: "nodata", dataTime: Fixtures.start - 600)
        do {
            // The phone the store knows: a current card, valid everywhere (the contrast).
            let known = try await harness.signIn(Self.known.digits).json
            #expect(known["status"] as? String == "current")
            #expect(known["color"] as? String == "green")
            #expect((known["places"] as? [Any])?.count == 2)
            let knownAttestation = try #require(known["attestation"] as? String)
            #expect(try await harness.verifyAttestation(knownAttestation).json["valid"] as? Bool == true)

            let response = try await harness.signIn(Self.unknown)
            let card = response.json
            #expect(card["status"] as? String == "no_data", "\(response.text)")
            #expect(card["color"] as? String == "gray")
            #expect((card["places"] as? [Any])?.isEmpty == true)
            #expect(card["card_time"] as? String == UTCTimestamp.format(Fixtures.start - 600))
            #expect(card["watermark"] as? String == UTCTimestamp.format(Fixtures.start - 600))

            // Its attestation is authentic and says gray: the service's verifier and the endpoint refuse it.
            let attestation = try #require(card["attestation"] as? String)
            let verdict = harness.lookup.attestationVerifier.verify(attestation, now: harness.clock.now())
            guard case .gray(let payload) = verdict else { Issue.record("attestation: \(verdict)"); return }
            #expect(payload.color == "gray" && payload.status == "no_data")
            let checked = try await harness.verifyAttestation(attestation).json
            #expect(checked["valid"] as? Bool == false)
            #expect(checked["reason"] as? String == "no_data")

            // The venue code is gray too, and every checker says so.
            let token = try #require(card["token"] as? String)
            let codeResponse = try await harness.cardCode(token: token)
            #expect(codeResponse.json["color"] as? String == "gray")
            #expect(codeResponse.json["status"] as? String == "no_data")
            let code = try #require(codeResponse.json["code"] as? String)
            let codeVerdict = harness.lookup.attestationVerifier.verify(code, now: harness.clock.now())
            guard case .gray(var coded) = codeVerdict else { Issue.record("code: \(codeVerdict)"); return }
            #expect(try await harness.verifyAttestation(code).json["reason"] as? String == "no_data")
            // `itinerary verify` judges by the wall clock: the same code issued now, with the service's key.
            let state = harness.lookup.configuration.stateDirectory
            coded.issuedAt = Int64(Date().timeIntervalSince1970)
            coded.expiresAt = coded.issuedAt + 180
            let fresh = try #require(try AttestationSigner.loadOrCreate(inDirectory: state).signCode(coded))
            let cli = try await CLI.run(["verify", "--state", state, fresh])
            #expect(cli.status == 1, "\(cli)")
            #expect(cli.output.contains(#""valid":false,"reason":"no_data","color":"gray""#), "\(cli)")

            // The SMS reply says 暂无行程数据 and gray, never 绿色.
            let body = #"{"from":"\#(Self.unknown)","text":"CXMYD"}"#
            let inbound = try await harness.client.post(
                "/v1/sms/inbound", json: body, headers: InboundSMSTests.signedHeaders(body, clock: harness.clock))
            #expect(inbound.json["status"] as? String == "queued", "\(inbound.text)")
            let reply = try await harness.gateway.waitFor(phone: Self.unknown) { $0.contains("行程卡颜色") }
            #expect(reply.body.contains("暂无行程数据"), "\(reply.body)")
            #expect(reply.body.contains("灰色"))
            #expect(!reply.body.contains("绿色"))
        } catch {
            await harness.server.stop()
            throw error
        }
        await harness.server.stop()
    }

    @Test(
        "data lagging past --max-data-lag: stale gray cards at the data time, no green code, /readyz says why, the lag exported"
    )
    func stale() async throws {
        let dataTime = Fixtures.start - 7 * 3600
        let harness = try await Self.harness(label: "stale", dataTime: dataTime)
        do {
            let card = try await harness.signIn(Self.known.digits).json
            #expect(card["status"] as? String == "stale")
            #expect(card["color"] as? String == "gray")
            #expect(card["data_lag_seconds"] as? Int == 7 * 3600)
            #expect(card["max_data_lag_seconds"] as? Int == 6 * 3600)
            // The card at the data time, with its places: not an empty card.
            #expect(card["card_time"] as? String == UTCTimestamp.format(dataTime))
            #expect((card["places"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["330100", "110000"])
            let attestation = try #require(card["attestation"] as? String)
            #expect(try await harness.verifyAttestation(attestation).json["reason"] as? String == "stale")

            let token = try #require(card["token"] as? String)
            let code = try #require(try await harness.cardCode(token: token).json["code"] as? String)
            let verdict = harness.lookup.attestationVerifier.verify(code, now: harness.clock.now())
            #expect(verdict.reason == "stale" && !verdict.isValid, "\(verdict)")

            let ready = try await harness.client.get("/readyz")
            #expect(ready.status == 200)
            #expect(ready.json["data"] as? String == "stale")
            #expect((ready.json["reason"] as? String)?.contains("7h behind the clock") == true, "\(ready.text)")
            let metrics = try await harness.metrics.get("/metrics").text
            #expect(metrics.contains("lookup_data_lag_seconds 25200"), "\(metrics)")
            #expect(metrics.contains("lookup_data_stale 1"))
            #expect(metrics.contains("lookup_data_time_seconds \(dataTime)"))

            // A clock 20 days ahead of the data: still the card at the data time, not an empty one.
            harness.clock.advance(by: 20 * 86_400)
            let later = try await harness.showAgain(token: token)
            #expect(later.status == 401)  // the token aged out; sign in again
            let again = try await harness.signIn(Self.known.digits, client: "10.0.0.2").json
            #expect(again["status"] as? String == "stale")
            #expect((again["places"] as? [Any])?.count == 2)
        } catch {
            await harness.server.stop()
            throw error
        }
        await harness.server.stop()
    }

    @Test("within the bound the card is current; on the data clock nothing is stale and /readyz says replay")
    func clocks() async throws {
        let fresh = try await Self.harness(label: "fresh", dataTime: Fixtures.start - 5 * 3600)
        do {
            let card = try await fresh.signIn(Self.known.digits).json
            #expect(card["status"] as? String == "current")
            #expect(card["color"] as? String == "green")
            let token = try #require(card["token"] as? String)
            let code = try #require(try await fresh.cardCode(token: token).json["code"] as? String)
            #expect(fresh.lookup.attestationVerifier.verify(code, now: fresh.clock.now()).isValid)
            let ready = try await fresh.client.get("/readyz").json
            #expect(ready["data"] as? String == "current")
            #expect(ready["reason"] is NSNull)
        } catch {
            await fresh.server.stop()
            throw error
        }
        await fresh.server.stop()

        // The 2022 samples replayed in the demo: a year behind the clock, yet current.
        let replay = try await Self.harness(label: "replay", dataTime: Fixtures.start - 365 * 86_400) {
            $0.cardClock = .data
        }
        do {
            let card = try await replay.signIn(Self.known.digits).json
            #expect(card["status"] as? String == "current")
            #expect(card["card_time"] as? String == UTCTimestamp.format(Fixtures.start - 365 * 86_400))
            #expect((card["places"] as? [Any])?.count == 2)
            #expect(card["max_data_lag_seconds"] is NSNull)
            let ready = try await replay.client.get("/readyz").json
            #expect(ready["data"] as? String == "replay")
            #expect(try await replay.metrics.get("/metrics").text.contains("lookup_data_stale 0"))
        } catch {
            await replay.server.stop()
            throw error
        }
        await replay.server.stop()
    }

    @Test("the SMS words of a gray card: no data says 暂无行程数据, stale gives the data time; never green")
    func smsWords() {
        let phone = Phone("13800138000")!
        let card = Card(
            at: Fixtures.start, color: .green,
            places: [
                CardPlace(
                    code: PlaceCode(adcode: 110000)!, starred: false, exposure: nil, firstSeen: Fixtures.start - 3600,
                    lastSeen: Fixtures.start)
            ])
        var presentation = CardPresentation(
            phone: phone, card: Card(at: Fixtures.start, color: .green, places: []), status: .noData,
            generatedAt: Fixtures.start, cardTime: Fixtures.start, watermark: Fixtures.start, dataLag: 0,
            maxDataLag: 21_600, windowDays: 14, attestation: nil)
        #expect(presentation.color == "gray")
        #expect(presentation.smsText(places: Fixtures.places).contains("暂无行程数据"))
        #expect(presentation.smsText(places: Fixtures.places, language: .english).contains("No itinerary data"))
        #expect(presentation.json(places: Fixtures.places).contains(#""color":"gray""#))
        presentation.card = card
        presentation.status = .stale
        let words = presentation.smsText(places: Fixtures.places)
        #expect(words.contains("数据更新滞后：以下仅为截至2022.05.14 08:00:00的行程"), "\(words)")
        #expect(words.contains("北京市") && words.contains("灰色") && !words.contains("绿色"))
        presentation.status = .current
        #expect(presentation.smsText(places: Fixtures.places).contains("绿色"))
    }
}
