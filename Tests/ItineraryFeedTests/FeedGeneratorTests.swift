import Foundation
import ItineraryCore
import ItineraryTestTags
import PropertyBased
import Testing

@testable import ItineraryFeed
@testable import ItinerarySimulation

@Suite(.tags(.unit)) struct FeedGeneratorTests {
    /// The bytes of every generated file, by name.
    private func contents(of feed: GeneratedFeed) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for url in feed.files + [feed.cells] { result[url.lastPathComponent] = try Data(contentsOf: url) }
        return result
    }

    @Test func sameSeedSameBytesDifferentSeedDifferentBytes() throws {
        let a = try FeedGenerator(phones: 25, days: 2, seed: 42).write(to: Fixtures.temporaryDirectory())
        let b = try FeedGenerator(phones: 25, days: 2, seed: 42).write(to: Fixtures.temporaryDirectory())
        let c = try FeedGenerator(phones: 25, days: 2, seed: 43).write(to: Fixtures.temporaryDirectory())
        #expect(try contents(of: a) == contents(of: b))
        #expect(try contents(of: a) != contents(of: c))
        #expect(a.files.map(\.lastPathComponent) == b.files.map(\.lastPathComponent))
    }

    @Test func filesAreNamedHourlyPerCarrier() throws {
        let feed = try FeedGenerator(phones: 10, days: 1, seed: 7).write(to: Fixtures.temporaryDirectory())
        let names = feed.files.map { FeedFileName($0.lastPathComponent) }
        #expect(names.allSatisfy { $0 != nil })
        #expect(names.first??.description == "cmcc-20220501010000-0001.csv.zst")
        #expect(Set(names.compactMap { $0?.carrier }) == Set(FeedCarrier.allCases))
        #expect(names.allSatisfy { $0!.time % 3600 == 0 })
    }

    @Test func everyLineIsAcceptedOrRejectedAndRejectsMatchTheDamage() async {
        await propertyCheck(count: 3, input: Gen.uint64()) { (seed: UInt64) async throws in
            try checkAccounting(seed: seed)
        }
    }

    /// Reads every file of a generated feed: each line is either valid or rejected, and the
    /// rejects are exactly the lines the generator damaged.
    private func checkAccounting(seed: UInt64) throws {
        var options = FeedGenerator.Options(phones: 40, days: 3, seed: seed)
        options.malformedRate = 0.01
        let feed = try FeedGenerator(options: options).write(to: Fixtures.temporaryDirectory())
        let cells = try CellTable.load(contentsOf: feed.cells, directory: Fixtures.directory)
        let reader = FeedReader(directory: Fixtures.directory, cells: cells)
        var records = 0
        var valid = 0
        var rejected: [FeedRejectReason: Int] = [:]
        var outOfOrder = 0
        var outOfPeriod = 0
        for url in feed.files {
            var items = 0
            var newest = Int64.min
            let summary = try reader.read(contentsOf: url, now: feed.end + 86_400) { item in
                items += 1
                guard let time = item.asRecord?.observation.time else { return }
                if time < feed.start || time >= feed.end { outOfPeriod += 1 }
                if time < newest { outOfOrder += 1 }
                newest = max(newest, time)
            }
            #expect(summary.valid + summary.rejectedCount == summary.records)
            #expect(items == summary.records)
            records += summary.records
            valid += summary.valid
            rejected.merge(summary.rejected, uniquingKeysWith: +)
        }
        #expect(records == feed.lines)
        #expect(rejected == feed.malformed)
        #expect(valid + rejected.values.reduce(0, +) == records)
        #expect(outOfOrder > 0)
        #expect(outOfPeriod == 0)
    }

    @Test func simulatedCitiesAreCardCities() throws {
        let directory = Fixtures.directory
        for city in SimulatedCity.all {
            #expect(directory.city(ofAdcode: city.adcode) == PlaceCode(adcode: city.adcode), "\(city.adcode)")
        }
    }

    @Test func randomSourceIsReproducible() {
        var a = Xoshiro256(seed: 9)
        var b = Xoshiro256(seed: 9)
        var c = Xoshiro256(seed: 10)
        let first = (0..<8).map { _ in a.next() }
        #expect(first == (0..<8).map { _ in b.next() })
        #expect(first != (0..<8).map { _ in c.next() })
    }
}
