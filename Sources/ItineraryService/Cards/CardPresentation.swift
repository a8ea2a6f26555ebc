import ItineraryCore

/// A card as the service shows it: the core `Card` plus what the answer adds (names, the time
/// it was generated, the data watermark, the window, the attestation).
struct CardPresentation: Sendable {
    /// Whose card it is (the core card names no phone).
    var phone: Phone
    var card: Card
    var generatedAt: Int64
    var watermark: Int64?
    var windowDays: Int
    var attestation: String

    /// The attested content of the card.
    static func attestationPayload(
        phone: Phone, card: Card, generatedAt: Int64, watermark: Int64?, windowDays: Int, keyID: String, lifetime: Int64
    ) -> AttestationPayload {
        AttestationPayload(
            keyID: keyID, phone: phone.masked, color: card.color.rawValue, windowDays: windowDays,
            places: card.places.map {
                AttestationPayload.Place(
                    code: $0.code.description, starred: $0.starred, firstSeen: $0.firstSeen, lastSeen: $0.lastSeen)
            },
            watermark: watermark, issuedAt: generatedAt, expiresAt: generatedAt + lifetime
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
        writer.string("color", card.color.rawValue)
        writer.beginArray("places")
        for place in card.places {
            writer.beginObject()
            writer.string("code", place.code.description)
            writer.string("name", directory.displayName(place.code))
            writer.string("kind", place.kind.rawValue)
            writer.bool("starred", place.starred)
            writer.string("exposure", place.exposure?.rawValue)
            writer.string("first_seen", UTCTimestamp.format(place.firstSeen))
            writer.string("last_seen", UTCTimestamp.format(place.lastSeen))
            // Last, so the original layout stays a prefix for clients that read it positionally.
            writer.string("name_en", directory.displayNameEn(place.code))
            writer.endObject()
        }
        writer.endArray()
        writer.string("attestation", attestation)
        extra(&writer)
        writer.endObject()
        return writer.text
    }

    /// The card in words for an SMS reply, like the original:
    /// `【通信行程卡】138****8000 您于前14天内到达或途经：浙江省杭州市*，北京市。…`, or in English:
    /// `[Itinerary Card] 138****8000 In the past 14 days visited or passed through: Hangzhou, Zhejiang*; Beijing. …`
    func smsText(places directory: PlaceDirectory, language: SMSLanguage = .chinese) -> String {
        let english = language == .english
        let names: [String] = card.places.map { place in
            let name: String = english ? directory.displayNameEn(place.code) : directory.displayName(place.code)
            return place.starred ? name + "*" : name
        }
        var text: String
        if english {
            text = "[Itinerary Card] " + phone.masked + " In the past \(windowDays) days visited or passed through: "
            text += names.isEmpty ? "none" : names.joined(separator: "; ")
            text += ". Card colour: " + card.color.rawValue
            text += ". Updated: " + ChinaTime.cardStamp(generatedAt) + " (China time)."
            if card.places.contains(where: \.starred) {
                text +=
                    " * The city currently has a medium- or high-risk area; this does not mean you visited that area."
            }
            return text
        }
        text = "【通信行程卡】" + phone.masked
        text += " 您于前\(windowDays)天内到达或途经："
        text += names.isEmpty ? "无" : names.joined(separator: "，")
        text += "。行程卡颜色：" + Self.colorName(card.color)
        text += "。更新于：" + ChinaTime.cardStamp(generatedAt) + "。"
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
