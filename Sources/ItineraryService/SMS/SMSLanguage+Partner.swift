/// The texts of the lookup services' flow (docs/partner-api.md).
extension SMSLanguage {
    /// The code a lookup service asked for, naming it and what the code lets it do: read the card
    /// now, and again without a code for `consentDays` days when it asked for that (0: not).
    func partnerCodeText(_ code: String, minutes: Int64, partner: String, consentDays: Int, keyword: String) -> String {
        switch self {
        case .chinese:
            "【通信行程卡】\(partner)请求查询您的行程，验证码\(code)，\(minutes)分钟内有效。将验证码提供给\(partner)即同意其查询"
                + (consentDays > 0
                    ? "，并在\(consentDays)天内无需验证码再次查询您的行程卡；回复\(keyword)可随时取消授权。"
                    : "本次行程。") + "如非本人操作，请勿泄露。"
        case .english:
            "[Itinerary Card] \(partner) asks to look up your itinerary. Code: \(code), valid for \(minutes) minutes. "
                + "Giving it to \(partner) lets it read your card now"
                + (consentDays > 0
                    ? " and again without a code for \(consentDays) days; text \(keyword) to withdraw at any time."
                    : ".") + " If you did not ask for it, do not share it."
        }
    }

    /// The reply to a withdrawal texted in: the partners whose consent ended, or none.
    func withdrawalText(_ partners: [String]) -> String {
        switch self {
        case .chinese:
            partners.isEmpty
                ? "【通信行程卡】您没有生效的查询授权。"
                : "【通信行程卡】已取消\(partners.joined(separator: "、"))查询您行程卡的授权，即时生效。"
        case .english:
            partners.isEmpty
                ? "[Itinerary Card] You have no standing consent to withdraw."
                : "[Itinerary Card] Withdrawn at once: \(partners.joined(separator: ", ")) may no longer read your card."
        }
    }
}
