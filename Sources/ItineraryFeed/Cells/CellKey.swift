/// A cell's identity: `(mcc, mnc, lac, cell_id)`, with `mnc` compared as a number (`07` is `7`).
public struct CellKey: Hashable, Sendable {
    public static let lacRange: ClosedRange<UInt64> = 0...16_777_215
    public static let cellIDRange: ClosedRange<UInt64> = 0...68_719_476_735

    /// `mcc * 1000 + mnc`, below one million.
    @usableFromInline let network: UInt32
    /// `lac << 36 | cell_id`: both fit in 60 bits.
    @usableFromInline let cell: UInt64

    /// `nil` if a part is out of range (mcc and mnc 0...999).
    public init?(mcc: Int, mnc: Int, lac: Int, cellID: Int) {
        guard (0...999).contains(mcc), (0...999).contains(mnc),
            lac >= 0, CellKey.lacRange.contains(UInt64(lac)),
            cellID >= 0, CellKey.cellIDRange.contains(UInt64(cellID))
        else { return nil }
        self.init(unchecked: UInt32(mcc), mnc: UInt32(mnc), lac: UInt64(lac), cellID: UInt64(cellID))
    }

    @inlinable
    init(unchecked mcc: UInt32, mnc: UInt32, lac: UInt64, cellID: UInt64) {
        network = mcc &* 1000 &+ mnc
        cell = lac << 36 | cellID
    }

    public var mcc: Int { Int(network / 1000) }
    public var mnc: Int { Int(network % 1000) }
    public var lac: Int { Int(cell >> 36) }
    public var cellID: Int { Int(cell & 0xF_FFFF_FFFF) }

    /// A cheap, well-mixed hash for the cell table's open addressing.
    @inlinable
    var mixed: UInt64 {
        var x = cell ^ (UInt64(network) &* 0x9E37_79B9_7F4A_7C15)
        x = (x ^ (x >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        return x ^ (x >> 33)
    }
}
