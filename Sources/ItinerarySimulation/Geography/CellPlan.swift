import ItineraryCore
import ItineraryFeed

/// The generated radio network: 5-20 cells per city per carrier, each filed under one of the
/// city's districts, with realistic MNCs, tracking-area codes and cell identities.
struct CellPlan: Sendable {
    let cells: [SimulatedCell]
    /// Cell indices by city index and carrier.
    private let byCityAndCarrier: [[FeedCarrier: [Int]]]

    static let mncs: [FeedCarrier: [Int]] = [.cmcc: [0, 2, 7], .cucc: [1, 6], .ctcc: [3, 5, 11], .cbn: [15]]

    init(cities: [SimulatedCity], directory: [Division], random: inout Xoshiro256) {
        var districtsByCity: [Int: [Int]] = [:]
        for division in directory where division.level == "district" {
            if let city = division.city { districtsByCity[city, default: []].append(division.adcode) }
        }
        var cells: [SimulatedCell] = []
        var index: [[FeedCarrier: [Int]]] = []
        var usedIDs: Set<Int> = []
        for city in cities {
            let districts = districtsByCity[city.adcode]?.sorted() ?? []
            var carriers: [FeedCarrier: [Int]] = [:]
            for carrier in FeedCarrier.allCases {
                let tacs = (0..<random.int(1...3)).map { _ in random.int(0x1000...0xFFFE) }
                for _ in 0..<random.int(5...20) {
                    var cellID: Int
                    repeat {
                        // 5G NR for Broadnet (NCI = gNB id << 12 | cell), LTE elsewhere (ECI = eNB id << 8 | sector).
                        cellID =
                            carrier == .cbn
                            ? random.int(1...(1 << 22) - 1) << 12 | random.int(0...2)
                            : random.int(1...(1 << 20) - 1) << 8 | random.int(0...2)
                    } while !usedIDs.insert(cellID).inserted
                    carriers[carrier, default: []].append(cells.count)
                    cells.append(
                        SimulatedCell(
                            mnc: random.pick(Self.mncs[carrier]!),
                            lac: random.pick(tacs),
                            cellID: cellID,
                            adcode: districts.isEmpty ? city.adcode : random.pick(districts)))
                }
            }
            index.append(carriers)
        }
        self.cells = cells
        self.byCityAndCarrier = index
    }

    /// The cells of one carrier in one city.
    func cells(city: Int, carrier: FeedCarrier) -> [Int] { byCityAndCarrier[city][carrier]! }

    /// The cells CSV: `mcc,mnc,lac,cell_id,adcode`.
    var csv: String {
        var text = "mcc,mnc,lac,cell_id,adcode\n"
        for cell in cells {
            text += "460,\(cell.mnc < 10 ? "0" : "")\(cell.mnc),\(cell.lac),\(cell.cellID),\(cell.adcode)\n"
        }
        return text
    }
}
