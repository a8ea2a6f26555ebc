import Foundation
import ItineraryCore
import ItineraryFeed

/// Writes a realistic synthetic feed: hourly zstd CSV files per carrier plus the matching
/// cells CSV. Deterministic: the same options give byte-identical files.
///
/// Phones live and work in real card cities (commuting, some across a city border), take trains
/// through intermediate cities, fly abroad, ping-pong between border cells, and some switch off
/// at night. Files are named by delivery hour and hold records up to a few hours older; about 1%
/// of records are delivered twice and about 0.1% of lines are malformed.
public struct FeedGenerator: Sendable {
    /// What to generate.
    public struct Options: Hashable, Sendable {
        public var phones: Int
        public var days: Int
        public var seed: UInt64
        /// First event time, Unix seconds (default 2022-05-01T00:00:00Z).
        public var start: Int64
        /// zstd level of the files.
        public var compressionLevel: Int = 3
        /// Share of records delivered a second time.
        public var duplicateRate: Double = 0.01
        /// Share of lines damaged into each kind of malformed line.
        public var malformedRate: Double = 0.001
        /// Records held back are delivered up to this many hours late (well within the lateness `L`).
        public var maximumDelayHours: Int = 3

        public static let defaultStart: Int64 = 1_651_363_200

        public init(phones: Int = 300, days: Int = 14, seed: UInt64 = 1, start: Int64 = Options.defaultStart) {
            self.phones = phones
            self.days = days
            self.seed = seed
            self.start = start
        }
    }

    public let options: Options

    public init(options: Options) { self.options = options }

    public init(phones: Int, days: Int, seed: UInt64, start: Int64 = Options.defaultStart) {
        self.init(options: Options(phones: phones, days: days, seed: seed, start: start))
    }

    /// Writes `feeds/*.csv.zst` and `cells.csv` under `directory` (created if needed).
    /// `progress` hears after each simulated day: days done and lines written so far.
    public func write(
        to directory: URL, progress: (_ days: Int, _ lines: Int) -> Void = { _, _ in }
    ) throws -> GeneratedFeed {
        precondition(options.phones > 0 && options.days > 0, "phones and days must be positive")
        let feeds = directory.appendingPathComponent("feeds", isDirectory: true)
        try FileManager.default.createDirectory(at: feeds, withIntermediateDirectories: true)

        var random = Xoshiro256(seed: options.seed)
        let cities = SimulatedCity.all
        let world = World(
            cities: cities, cells: CellPlan(cities: cities, directory: try Divisions.load(), random: &random))
        let profiles = makeProfiles(world: world, random: &random)
        var agents = profiles.enumerated().map { index, profile in
            PhoneAgent(profile: profile, seed: options.seed &+ UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15)
        }

        let cellsURL = directory.appendingPathComponent("cells.csv")
        try Data(world.cells.csv.utf8).write(to: cellsURL)

        var sink = FeedSink(options: options, directory: feeds)
        let end = options.start + Int64(options.days) * 86_400
        // Days run from local (UTC+8) midnight; records outside [start, end) are dropped.
        var midnight = options.start - ((options.start + 8 * 3600) % 86_400 + 86_400) % 86_400
        var day = 0
        while midnight < end {
            for index in agents.indices {
                for segment in agents[index].plan(day: day, midnight: midnight, world: world) {
                    agents[index].emit(segment, world: world, from: options.start, until: end, into: &sink)
                }
            }
            // Later records are all delivered after this hour.
            try sink.flush(through: FeedSink.hour(of: min(midnight + 86_400, end)))
            midnight += 86_400
            day += 1
            progress(day, sink.lines)
        }
        try sink.finish()

        return GeneratedFeed(
            files: sink.files, cells: cellsURL,
            phones: profiles.compactMap { Phone(number: $0.number) },
            homeCities: profiles.map { PlaceCode(adcode: cities[$0.home].adcode)! },
            lines: sink.lines, duplicates: sink.duplicates, malformed: sink.malformed,
            start: options.start, end: end)
    }

    private func makeProfiles(world: World, random: inout Xoshiro256) -> [PhoneProfile] {
        let carrierWeights: [(FeedCarrier, Int)] = [(.cmcc, 55), (.cucc, 22), (.ctcc, 19), (.cbn, 4)]
        let cityWeights = world.cities.enumerated().map { ($0.offset, $0.element.weight) }
        var numbers: Set<UInt64> = []
        var profiles: [PhoneProfile] = []
        for _ in 0..<options.phones {
            let carrier = weighted(carrierWeights, random: &random)
            var number: UInt64
            repeat {
                number = random.pick(PhoneProfile.prefixes[carrier]!) * 100_000_000 + UInt64(random.int(0...99_999_999))
            } while !numbers.insert(number).inserted
            let home = weighted(cityWeights, random: &random)
            let neighbours = world.neighbours[home]
            let work = !neighbours.isEmpty && random.chance(0.1) ? neighbours[0] : home
            let homeCells = world.cells.cells(city: home, carrier: carrier)
            let workCells = world.cells.cells(city: work, carrier: carrier)
            let borderCell =
                !neighbours.isEmpty && random.chance(0.06)
                ? random.pick(world.cells.cells(city: neighbours[0], carrier: carrier)) : nil
            profiles.append(
                PhoneProfile(
                    number: number, carrier: carrier, home: home, work: work,
                    homeCell: random.pick(homeCells), workCell: random.pick(workCells),
                    otherHomeCells: (0..<random.int(1...3)).map { _ in random.pick(homeCells) },
                    borderCell: borderCell,
                    switchesOffAtNight: random.chance(0.2), employed: random.chance(0.7),
                    tripRate: random.chance(0.3) ? 0.08 : 0.01, abroadRate: random.chance(0.1) ? 0.03 : 0.002))
        }
        return profiles
    }

    private func weighted<T>(_ items: [(T, Int)], random: inout Xoshiro256) -> T {
        var roll = random.int(0...items.reduce(0) { $0 + $1.1 } - 1)
        for (item, weight) in items {
            if roll < weight { return item }
            roll -= weight
        }
        return items[items.count - 1].0
    }
}
