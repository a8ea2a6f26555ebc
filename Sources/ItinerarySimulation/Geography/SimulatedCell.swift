/// One generated mainland cell: its key fields and the division it is filed under.
struct SimulatedCell: Sendable {
    let mnc: Int
    let lac: Int
    let cellID: Int
    /// The district (or city) adcode written to the cells CSV.
    let adcode: Int
}
