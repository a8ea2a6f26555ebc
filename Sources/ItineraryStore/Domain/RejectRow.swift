import ItineraryCore

/// A line that was not applied, as the rejects table keeps it.
public struct RejectRow: Hashable, Sendable {
    public var line: Int
    /// A stable snake_case reason, e.g. `bad_msisdn`, `unknown_cell`, `late`.
    public var reason: String
    /// The raw line as kept: every run of 11 digits or more in it masked (`DigitRunMasker`),
    /// whatever the caller gave.
    public let raw: String
    /// The parsed record of a line only the reference data or the clock kept out.
    public var replay: ReplayRow?

    public init(line: Int, reason: String, raw: String, replay: ReplayRow? = nil) {
        self.line = line
        self.reason = reason
        self.raw = DigitRunMasker.masked(raw)
        self.replay = replay
    }
}

/// A rejected record kept so that a later reference load can apply it: keyed by the phone's
/// key and masked number, never the number itself. The store keeps the cell id sealed
/// (`CellIDSealer`): it can have 11 digits.
public struct ReplayRow: Hashable, Sendable {
    public var phoneKey: PhoneKey
    public var masked: String
    public var time: Int64
    public var mcc: Int
    public var mnc: Int
    public var lac: Int
    public var cellID: Int

    public init(phoneKey: PhoneKey, masked: String, time: Int64, mcc: Int, mnc: Int, lac: Int, cellID: Int) {
        self.phoneKey = phoneKey
        self.masked = masked
        self.time = time
        self.mcc = mcc
        self.mnc = mnc
        self.lac = lac
        self.cellID = cellID
    }
}
