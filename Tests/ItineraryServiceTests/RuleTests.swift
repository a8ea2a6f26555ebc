import ItineraryCore
import ItineraryTestTags
import Testing

@testable import ItineraryService

@Suite("Pure rules", .tags(.unit), .timeLimit(.minutes(1)))
struct RuleTests {
    let policy = OTPPolicy()
    let record = OTPRecord(codeHash: [1, 2, 3], issuedAt: 1000, expiresAt: 1300, wrongAttempts: 0)

    @Test func verification() {
        func evaluate(_ record: OTPRecord?, _ hash: [UInt8], _ now: Int64) -> OTPVerification.Verdict {
            OTPVerification.evaluate(record: record, submittedHash: hash, now: now, policy: policy)
        }
        #expect(evaluate(nil, [1, 2, 3], 1000) == .init(outcome: .noCode, change: .keep))
        #expect(evaluate(record, [1, 2, 3], 1299) == .init(outcome: .accepted, change: .delete))
        #expect(evaluate(record, [1, 2, 3], 1300) == .init(outcome: .expired, change: .delete))
        #expect(
            evaluate(record, [1, 2, 4], 1100)
                == .init(outcome: .wrongCode(remainingAttempts: 4), change: .setWrongAttempts(1)))
        #expect(evaluate(record, [1, 2], 1100).outcome == .wrongCode(remainingAttempts: 4))
        var burnt = record
        burnt.wrongAttempts = 4
        #expect(
            evaluate(burnt, [9], 1100) == .init(outcome: .wrongCode(remainingAttempts: 0), change: .setWrongAttempts(5))
        )
        burnt.wrongAttempts = 5
        #expect(evaluate(burnt, [1, 2, 3], 1010) == .init(outcome: .tooManyAttempts(retryAfter: 50), change: .keep))
        #expect(evaluate(burnt, [1, 2, 3], 1100) == .init(outcome: .tooManyAttempts(retryAfter: 1), change: .keep))
    }

    @Test func sendPolicy() {
        #expect(OTPSendPolicy.decide(previousSends: [], now: 0, policy: policy) == .allowed)
        #expect(OTPSendPolicy.decide(previousSends: [100], now: 130, policy: policy) == .limited(retryAfter: 30))
        #expect(OTPSendPolicy.decide(previousSends: [100], now: 160, policy: policy) == .allowed)
        let ten = (0..<10).map { Int64($0) * 100 }
        #expect(
            OTPSendPolicy.decide(previousSends: ten, now: 2000, policy: policy) == .limited(retryAfter: 86_400 - 2000))
        #expect(OTPSendPolicy.decide(previousSends: ten, now: 86_400, policy: policy) == .allowed)
        #expect(
            OTPSendPolicy.decide(previousSends: ten.reversed(), now: 86_399, policy: policy) == .limited(retryAfter: 1))
    }

    @Test func fixedWindow() {
        let limit = FixedWindowLimit(limit: 2, length: 60)
        #expect(limit.windowStart(125) == 120)
        #expect(limit.windowStart(-1) == -60)
        #expect(limit.decide(hits: 2, now: 125) == .allowed)
        #expect(limit.decide(hits: 3, now: 125) == .limited(retryAfter: 55))
    }

    @Test func chinaTime() {
        #expect(ChinaTime.cardStamp(1_652_486_400) == "2022.05.14 08:00:00")
        #expect(ChinaTime.cardStamp(1_652_543_999) == "2022.05.14 23:59:59")
    }

    @Test func smsText() {
        let card = Card(
            at: 1_652_486_400, color: .yellow,
            places: [
                CardPlace(code: PlaceCode(adcode: 330100)!, starred: true, exposure: nil, firstSeen: 1, lastSeen: 2),
                CardPlace(code: PlaceCode(adcode: 110000)!, starred: false, exposure: nil, firstSeen: 3, lastSeen: 4),
                CardPlace(code: PlaceCode(iso2: "JP")!, starred: false, exposure: nil, firstSeen: 5, lastSeen: 6),
            ])
        let presentation = CardPresentation(
            phone: Phone("13800138000")!, card: card, status: .current, generatedAt: 1_652_486_400,
            cardTime: 1_652_486_400, watermark: nil, dataLag: nil, maxDataLag: nil, windowDays: 14, attestation: "x"
        )
        let text = presentation.smsText(places: Fixtures.places)
        #expect(text.hasPrefix("【通信行程卡】138****8000 您于前14天内到达或途经：浙江省杭州市*，北京市，日本。行程卡颜色：黄色。更新于：2022.05.14 08:00:00。"))
        #expect(text.hasSuffix("*注：* 表示当前该城市存在中风险或高风险地区，并不表示用户实际到访过这些中高风险地区。"))
        let json = presentation.json(places: Fixtures.places)
        #expect(
            json.hasPrefix(
                #"{"phone":"138****8000","generated_at":"2022-05-14T00:00:00Z","watermark":null,"window_days":14,"color":"yellow","places":[{"code":"330100","name":"浙江省杭州市","kind":"city","starred":true,"exposure":null,"first_seen":"1970-01-01T00:00:01Z""#
            ))
        #expect(json.contains(#"{"code":"JP","name":"日本","kind":"country""#))
        #expect(json.contains(#""last_seen":"1970-01-01T00:00:02Z","name_en":"Hangzhou, Zhejiang"}"#))
        #expect(json.contains(#""name_en":"Japan"}"#))

        let english = presentation.smsText(places: Fixtures.places, language: .english)
        #expect(
            english.hasPrefix(
                "[Itinerary Card] 138****8000 In the past 14 days visited or passed through: Hangzhou, Zhejiang*; Beijing; Japan. Card colour: yellow. Updated: 2022.05.14 08:00:00 (China time)."
            ))
        #expect(english.hasSuffix("this does not mean you visited that area."))
    }

    @Test func base64url() {
        let bytes: [UInt8] = [251, 255, 0, 1]
        #expect(Base64URL.encode(bytes) == "-_8AAQ")
        #expect(Base64URL.decode("-_8AAQ") == bytes)
        #expect(Base64URL.decode("a+b") == nil)
        #expect(Base64URL.decode("abcde") == nil)
    }

    @Test func outboxBackoff() {
        #expect(
            (1...10).map { OutboxSender.backoff(afterAttempts: $0) } == [5, 10, 20, 40, 80, 160, 320, 640, 900, 900])
    }
}
