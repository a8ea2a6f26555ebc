import ItineraryFeed

/// Who a simulated phone is: its number and carrier, where it lives and works, and its habits.
struct PhoneProfile: Sendable {
    let number: UInt64
    let carrier: FeedCarrier
    /// City indices in `SimulatedCity.all`.
    let home: Int
    let work: Int
    /// Cell indices in the `CellPlan`.
    let homeCell: Int
    let workCell: Int
    let otherHomeCells: [Int]
    /// A cell across the border in a neighbouring city that the home cell ping-pongs with.
    let borderCell: Int?
    let switchesOffAtNight: Bool
    let employed: Bool
    /// Daily chance of starting a trip within the mainland, and abroad.
    let tripRate: Double
    let abroadRate: Double

    /// Mobile number segments by carrier (the first three digits).
    static let prefixes: [FeedCarrier: [UInt64]] = [
        .cmcc: [134, 135, 136, 137, 138, 139, 147, 150, 151, 152, 157, 158, 159, 178, 182, 183, 184, 187, 188, 198],
        .cucc: [130, 131, 132, 145, 155, 156, 166, 175, 176, 185, 186],
        .ctcc: [133, 149, 153, 173, 177, 180, 181, 189, 199],
        .cbn: [192],
    ]
}
