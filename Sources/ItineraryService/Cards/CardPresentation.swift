import ItineraryCore

/// A card as the service shows it: the core `Card` plus what the answer adds (its status and
/// shown colour, names, the time it was generated, the data time, the window, the attestation).
struct CardPresentation: Sendable {
    /// Whose card it is (the core card names no phone).
    var phone: Phone
    /// The rules' card at ``cardTime``; empty for a ``CardStatus/noData`` card.
    var card: Card
    var status: CardStatus
    var generatedAt: Int64
    /// The time the card is evaluated at: the data time, or the clock if that is earlier.
    var cardTime: Int64
    var watermark: Int64?
    /// How far the data time lags the service clock (seconds); `nil` without data.
    var dataLag: Int64?
    /// The bound past which cards are stale; `nil` on the data clock, where nothing is.
    var maxDataLag: Int64?
    var windowDays: Int
    /// `nil` when the service's signing key is withdrawn: it signs nothing then.
    var attestation: String?

    /// The colour shown, attested and coded: `gray` unless the card is current.
    var color: String { status.color(card.color.rawValue) }

    /// The attested content of the card, issued at `issuedAt` for `lifetime` seconds.
    func attestationPayload(keyID: String, issuedAt: Int64, lifetime: Int64) -> AttestationPayload {
        AttestationPayload(
            keyID: keyID, phone: phone.masked, color: color, status: status.rawValue, windowDays: windowDays,
            places: card.places.map {
                AttestationPayload.Place(
                    code: $0.code.description, starred: $0.starred, firstSeen: $0.firstSeen, lastSeen: $0.lastSeen)
            },
            watermark: watermark, issuedAt: issuedAt, expiresAt: issuedAt + lifetime
        )
    }

    /// The card JSON documented in docs/http-api.md; `extra` fields (the token) are appended at the end.
    func json(places directory: PlaceDirectory, extra: (inout JSONWriter) -> Void = { _ in }) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("phone", phone.masked)
        writer.string("generated_at", UTCTimestamp.format(generatedAt))
        writer.string("watermark", watermark.map { UTCTimestamp.format($0) })
        writer.int("window_days", Int64(windowDays))
        writer.string("color", color)
        card.writePlaces(into: &writer, key: "places", names: directory)
        writer.string("attestation", attestation)
        // After the original layout, so it stays a prefix for clients that read it positionally.
        writer.string("status", status.rawValue)
        writer.string("card_time", UTCTimestamp.format(cardTime))
        writer.int("data_lag_seconds", dataLag)
        writer.int("max_data_lag_seconds", maxDataLag)
        extra(&writer)
        writer.endObject()
        return writer.text
    }

    /// The card in words for an SMS reply, like the original:
    /// `【通信行程卡】138****8000 您于前14天内到达或途经：浙江省杭州市*，北京市。…`, or in English:
    /// `[Itinerary Card] 138****8000 In the past 14 days visited or passed through: Hangzhou, Zhejiang*; Beijing. …`.
    /// A gray card says so first: no data for the number, or data that stops at its time.
    func smsText(places directory: PlaceDirectory, language: SMSLanguage = .chinese) -> String {
        let english = language == .english
        let names: [String] = card.places.map { place in
            let name: String = english ? directory.displayNameEn(place.code) : directory.displayName(place.code)
            return place.starred ? name + "*" : name
        }
        let stamp = ChinaTime.cardStamp(cardTime)
        var text: String
        if english {
            text = "[Itinerary Card] " + phone.masked
            switch status {
            case .noData:
                return text + " No itinerary data: the service holds no records of this number for the past "
                    + "\(windowDays) days. Card colour: gray (not enough information). Data as of: \(stamp) (China time)."
            case .stale:
                text += " Data delayed: this card shows the records up to \(stamp) (China time) only."
            case .current:
                break
            }
            text += " In the past \(windowDays) days visited or passed through: "
            text += names.isEmpty ? "none" : names.joined(separator: "; ")
            text += ". Card colour: " + (status == .stale ? "gray (data delayed)" : color)
            text += ". Updated: " + stamp + " (China time)."
            if card.places.contains(where: \.starred) {
                text +=
                    " * The city currently has a medium- or high-risk area; this does not mean you visited that area."
            }
            return text
        }
        text = "【通信行程卡】" + phone.masked
        switch status {
        case .noData:
            return text + " 暂无行程数据：本服务没有该号码前\(windowDays)天内的行程记录。行程卡颜色：灰色（信息不足）。数据截至：\(stamp)。"
        case .stale:
            text += " 数据更新滞后：以下仅为截至\(stamp)的行程。"
        case .current:
            break
        }
        text += " 您于前\(windowDays)天内到达或途经："
        text += names.isEmpty ? "无" : names.joined(separator: "，")
        text += "。行程卡颜色：" + (status == .stale ? "灰色（数据滞后）" : Self.colorName(card.color))
        text += "。更新于：" + stamp + "。"
        if card.places.contains(where: \.starred) {
            text += "*注：* 表示当前该城市存在中风险或高风险地区，并不表示用户实际到访过这些中高风险地区。"
        }
        return text
    }

    static func colorName(_ color: CardColor) -> String {
        switch color {
        case .green: "绿色"
        case .yellow: "黄色"
        case .orange: "橙色"
        }
    }
}
