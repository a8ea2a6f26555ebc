/// The language of the texts the service sends: Chinese unless English is asked for.
enum SMSLanguage: String, Sendable {
    case chinese = "zh"
    case english = "en"

    /// The language a client asked for (`"en…"` → English); Chinese when it asked for none, so
    /// API clients keep the texts they had. The page asks in the browser's language.
    init(requested: String?) {
        self = requested?.lowercased().hasPrefix("en") == true ? .english : .chinese
    }

    /// The text carrying a one-time code.
    func codeText(_ code: String, minutes: Int64) -> String {
        switch self {
        case .chinese: "【通信行程卡】您的验证码是\(code)，\(minutes)分钟内有效，仅用于查询本人行程，请勿泄露。"
        case .english:
            "[Itinerary Card] Your code is \(code), valid for \(minutes) minutes. Use it only to look up your own itinerary; do not share it."
        }
    }
}
