/// What `--card-clock` chooses. Either way a card is the store's current card, the card at its
/// data time (the newest accepted event time), so a clock ahead of the data never empties a
/// card. The clock decides only whether a lag makes cards stale (docs/card-states.md).
public enum CardClock: String, Sendable, CaseIterable {
    /// Production: the data time is measured against the wall clock, and cards are stale (gray)
    /// when it lags by more than the bound (`--max-data-lag`).
    case wall
    /// Replay and demo: the data time stands for "now" and nothing is stale, so old feeds (the
    /// 2022 samples) show their cards as they were. The lag is still exported as a metric.
    case data
}
