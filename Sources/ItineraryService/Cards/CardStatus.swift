/// What a presented card can claim (docs/card-states.md).
public enum CardStatus: String, Sendable, CaseIterable {
    /// The store holds data for the phone and its data time is within the bound of the clock:
    /// the card shows the rules' colour.
    case current
    /// The store holds nothing for the phone (never seen, or past retention): a gray card,
    /// 暂无行程数据, never green.
    case noData = "no_data"
    /// The store's data time lags the clock by more than `--max-data-lag`: a gray card that
    /// shows the places as of the data time, never green.
    case stale

    /// The colour shown, attested and coded: the rules' colour only for a current card.
    func color(_ ruleColor: String) -> String {
        self == .current ? ruleColor : "gray"
    }
}
