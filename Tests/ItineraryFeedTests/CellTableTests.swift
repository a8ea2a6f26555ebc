import Foundation
import ItineraryCore
import ItineraryTestTags
import PropertyBased
import Testing

@testable import ItineraryFeed

@Suite(.tags(.unit)) struct CellTableTests {
    @Test func findsEveryInsertedKeyAndNoOther() async {
        await propertyCheck(count: 30, input: Gen.int(in: 0...16_777_215).array(of: 1...400)) { lacs in
            let entries = lacs.enumerated().map { index, lac in
                (
                    CellKey(mcc: 460, mnc: index % 20, lac: lac, cellID: index * 977)!,
                    PlaceCode(adcode: 110000 + index % 50)!
                )
            }
            let table = CellTable(entries)
            var expected: [CellKey: PlaceCode] = [:]
            for (key, place) in entries { expected[key] = place }
            #expect(table.count == expected.count)
            for (key, place) in expected { #expect(table[key] == place) }
            #expect(table[CellKey(mcc: 460, mnc: 99, lac: 1, cellID: 1)!] == nil)
        }
    }

    @Test func loadsCSVAndMapsDistrictsToCities() throws {
        let url = try Fixtures.temporaryDirectory().appendingPathComponent("cells.csv")
        try "mcc,mnc,lac,cell_id,adcode\n460,00,4113,12345,110105\n460,7,1,2,419001\r\n\n460,002,1,2,310115\n".write(
            to: url, atomically: true, encoding: .utf8)
        let table = try CellTable.load(contentsOf: url, directory: Fixtures.directory)
        #expect(table[CellKey(mcc: 460, mnc: 0, lac: 4113, cellID: 12_345)!] == PlaceCode(adcode: 110000))
        #expect(table[CellKey(mcc: 460, mnc: 7, lac: 1, cellID: 2)!] == PlaceCode(adcode: 419001))
        #expect(table[CellKey(mcc: 460, mnc: 2, lac: 1, cellID: 2)!] == PlaceCode(adcode: 310000))
    }

    @Test func badCellRowsNameTheirLine() throws {
        let url = try Fixtures.temporaryDirectory().appendingPathComponent("cells.csv")
        try "mcc,mnc,lac,cell_id,adcode\n460,00,4113,12345,110105\n460,00,99999999,1,110105\n".write(
            to: url, atomically: true, encoding: .utf8)
        #expect(throws: ReferenceDataError(file: url.path, line: 3, message: "malformed cell key")) {
            try CellTable.load(contentsOf: url, directory: Fixtures.directory)
        }
        try "mcc,mnc,lac,cell_id,adcode\n460,00,4113,12345,110105\n460,00,4113,12345,310115\n".write(
            to: url, atomically: true, encoding: .utf8)
        #expect(throws: ReferenceDataError.self) { try CellTable.load(contentsOf: url, directory: Fixtures.directory) }
    }
}
