import Foundation
import ItineraryCore
import ItineraryService
import ItineraryStore
import Synchronization

/// Reference places for the tests: Zhejiang/Hangzhou, Beijing, Japan.
enum Fixtures {
    static let places = PlaceDirectory(
        divisions: [
            Division(adcode: 330000, name: "浙江省", level: "province", province: 330000, city: nil, nameEn: "Zhejiang"),
            Division(adcode: 330100, name: "杭州市", level: "city", province: 330000, city: 330100, nameEn: "Hangzhou"),
            Division(adcode: 110000, name: "北京市", level: "province", province: 110000, city: 110000, nameEn: "Beijing"),
        ],
        countries: [Country(mcc: 440, code: PlaceCode(iso2: "JP")!, nameZh: "日本", nameEn: "Japan")]
    )

    /// 2022-05-14T00:00:00Z (08:00 China time).
    static let start: Int64 = 1_652_486_400
    static let watermark: Int64 = start - 1800
    static let phoneKeyer = PhoneKeyer(secret: Array("test phone key secret!".utf8))
}

/// Every phone was in Hangzhou (starred, medium exposure) then Beijing, except the phones of
/// `noData` (digits), of which the source holds nothing; the data time is `watermark`.
struct FixedCardSource: CardSource {
    var watermark: Int64? = Fixtures.watermark
    var noData: Set<String> = []

    func card(forPhoneKey key: PhoneKey, phone: Phone) async throws -> Card? {
        guard !noData.contains(phone.digits) else { return nil }
        let at = watermark ?? Fixtures.start
        return Card(
            at: at, color: .green,
            places: [
                CardPlace(
                    code: PlaceCode(adcode: 330100)!, starred: true, exposure: .medium, firstSeen: at - 5 * 86_400,
                    lastSeen: at - 5 * 86_400 + 6 * 3600),
                CardPlace(
                    code: PlaceCode(adcode: 110000)!, starred: false, exposure: nil, firstSeen: at - 2 * 86_400,
                    lastSeen: at - 3600),
            ])
    }

    func dataWatermark() async throws -> Int64? { watermark }
}

/// Keeps sent messages in memory.
final class RecordingGateway: SMSGateway {
    struct Message: Sendable { var phone: String; var masked: String; var body: String; var id: Int64 }
    private let messages = Mutex<[Message]>([])
    /// Runs after each message is recorded, before `send` returns (a test can pull the database away there).
    private let afterSend: @Sendable (Message) -> Void

    init(afterSend: @escaping @Sendable (Message) -> Void = { _ in }) {
        self.afterSend = afterSend
    }

    func send(to phone: String, masked: String, body: String, id: Int64) async throws {
        let message = Message(phone: phone, masked: masked, body: body, id: id)
        messages.withLock { $0.append(message) }
        afterSend(message)
    }

    var all: [Message] { messages.withLock { $0 } }

    /// Waits (up to 5 s) for a message to `phone` whose body satisfies `match`.
    func waitFor(
        phone: String, timeout: Duration = .seconds(5), where match: (String) -> Bool = { _ in true }
    ) async throws -> Message {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let message = all.last(where: { $0.phone == phone && match($0.body) }) { return message }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("no SMS to \(phone) within \(timeout)")
    }

    /// The latest code sent to `phone`.
    func code(for phone: String, after count: Int = 0) async throws -> String {
        let message = try await waitFor(phone: phone) { body in body.contains("验证码") }
        _ = count
        guard let range = message.body.range(of: #"\d{6}"#, options: .regularExpression) else {
            throw TestFailure("no code in \(message.body)")
        }
        return String(message.body[range])
    }

    func count(to phone: String) -> Int { all.filter { $0.phone == phone }.count }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
