import Foundation
import ItineraryFeed

/// One simulated phone living day by day: commuting, travelling by train, flying abroad,
/// switching off at night, and producing the records its carrier would see.
struct PhoneAgent {
    enum Trip {
        case domestic(city: Int, cells: [Int], returnDay: Int)
        case abroad(mcc: Int, mnc: Int, cells: [(lac: Int, cellID: Int)], returnDay: Int)
    }

    let profile: PhoneProfile
    private var random: Xoshiro256
    private var trip: Trip?

    init(profile: PhoneProfile, seed: UInt64) {
        self.profile = profile
        random = Xoshiro256(seed: seed)
    }

    // MARK: Planning a day

    /// The segments of one local day starting at `midnight` (China time, UTC+8).
    mutating func plan(day: Int, midnight: Int64, world: World) -> [Segment] {
        let end = midnight + 86_400
        switch trip {
        case .domestic(let city, let cells, let returnDay):
            guard day >= returnDay else { return [Segment(start: midnight, end: end, place: .stay(cells), entry: .lu)] }
            trip = nil
            let departure = midnight + at(hours: 10...16)
            var segments = [Segment(start: midnight, end: departure, place: .stay(cells), entry: .lu)]
            let arrival = travel(from: city, to: profile.home, leaving: departure, world: world, into: &segments)
            segments.append(Segment(start: arrival, end: end, place: .stay(homeCells), entry: .lu))
            return segments
        case .abroad(let mcc, let mnc, let cells, let returnDay):
            let abroad = Segment.Place.abroad(mcc: mcc, mnc: mnc, cells: cells)
            guard day >= returnDay else { return [Segment(start: midnight, end: end, place: abroad, entry: .lu)] }
            trip = nil
            let departure = midnight + at(hours: 8...14)
            let landing = departure + Int64(random.int(2 * 3600...6 * 3600))  // in flight: no records
            return [
                Segment(start: midnight, end: departure, place: abroad, entry: .lu),
                Segment(start: landing, end: min(end, landing + 5400), place: .move(homeCells), entry: .attach),
                Segment(start: min(end, landing + 5400), end: end, place: .stay(homeCells), entry: .lu),
            ]
        case nil:
            if random.chance(profile.abroadRate) { return leaveAbroad(day: day, midnight: midnight, world: world) }
            if random.chance(profile.tripRate), let trip = leaveOnTrip(day: day, midnight: midnight, world: world) {
                return trip
            }
            return routine(midnight: midnight, world: world)
        }
    }

    private var homeCells: [Int] { [profile.homeCell, profile.homeCell] + profile.otherHomeCells }

    /// An ordinary day at home: commute on working days, an outing at weekends.
    private mutating func routine(midnight: Int64, world: World) -> [Segment] {
        let end = midnight + 86_400
        let off = profile.switchesOffAtNight
        let wake = midnight + at(hours: 6...7)
        let sleep = midnight + at(hours: 22...23)
        var segments: [Segment] = []
        var now = off ? wake : midnight
        let entry: SimulatedEvent = off ? .attach : .lu
        let weekday = (midnight + 8 * 3600) / 86_400 + 4  // 1970-01-01 was a Thursday
        if profile.employed && !(weekday % 7 == 0 || weekday % 7 == 6) {
            let leave = midnight + at(hours: 7...8)
            let arrive = leave + Int64(random.int(1800...4200))
            let leaveWork = midnight + at(hours: 17...19)
            let home = leaveWork + Int64(random.int(1800...4200))
            let route =
                profile.otherHomeCells + world.cells.cells(city: profile.work, carrier: profile.carrier).prefix(2) + [
                    profile.workCell
                ]
            segments += [
                Segment(start: now, end: leave, place: .stay([profile.homeCell]), entry: entry),
                Segment(start: leave, end: arrive, place: .move(route), entry: .ho),
                Segment(start: arrive, end: leaveWork, place: .stay([profile.workCell]), entry: .lu),
                Segment(start: leaveWork, end: home, place: .move(route.reversed()), entry: .ho),
            ]
            now = home
        } else if random.chance(0.5) {
            let out = midnight + at(hours: 13...15)
            let back = out + Int64(random.int(2 * 3600...5 * 3600))
            let outing = world.cells.cells(city: profile.home, carrier: profile.carrier)
            segments += [
                Segment(start: now, end: out, place: .stay([profile.homeCell]), entry: entry),
                Segment(start: out, end: back, place: .stay(Array(outing.prefix(4))), entry: .lu),
            ]
            now = back
        }
        if let border = profile.borderCell {
            // Evenings at home near a city border: the phone flips between the two cities' cells.
            let flipping = max(now, midnight + at(hours: 19...20))
            let stop = flipping + Int64(random.int(3600...3 * 3600))
            segments.append(
                Segment(
                    start: now, end: flipping, place: .stay([profile.homeCell]), entry: segments.isEmpty ? entry : .lu))
            segments.append(Segment(start: flipping, end: stop, place: .pingPong(profile.homeCell, border), entry: .ho))
            now = stop
        }
        segments.append(
            Segment(
                start: now, end: off ? max(now + 60, sleep) : end, place: .stay([profile.homeCell]),
                entry: segments.isEmpty ? entry : .lu, detachAtEnd: off))
        return segments.filter { $0.end > $0.start }
    }

    /// Leaves home by train (or plane, far away) for one to four nights in another city.
    private mutating func leaveOnTrip(day: Int, midnight: Int64, world: World) -> [Segment]? {
        let candidates = world.cities.indices.filter {
            $0 != profile.home && world.cities[$0].distance(to: world.cities[profile.home]) > 100
        }
        guard !candidates.isEmpty else { return nil }
        let destination = random.pick(candidates)
        let cells = world.cells.cells(city: destination, carrier: profile.carrier)
        let stayCells = (0..<3).map { _ in random.pick(cells) }
        trip = .domestic(city: destination, cells: stayCells, returnDay: day + random.int(1...4))
        let departure = midnight + at(hours: 8...14)
        var segments = [Segment(start: midnight, end: departure, place: .stay(homeCells), entry: .lu)]
        let arrival = travel(from: profile.home, to: destination, leaving: departure, world: world, into: &segments)
        segments.append(Segment(start: arrival, end: midnight + 86_400, place: .stay(stayCells), entry: .lu))
        return segments
    }

    /// Flies abroad for three to eight nights, via the home city's airport.
    private mutating func leaveAbroad(day: Int, midnight: Int64, world: World) -> [Segment] {
        let destination = random.pick(Destination.all)
        let mnc = random.pick(destination.mncs)
        let cells = (0..<3).map { _ in (lac: random.int(1...65_534), cellID: random.int(1...268_435_455)) }
        trip = .abroad(mcc: destination.mcc, mnc: mnc, cells: cells, returnDay: day + random.int(3...8))
        let departure = midnight + at(hours: 7...12)
        let boarding = departure + Int64(random.int(3600...7200))
        let landing = boarding + Int64(random.int(2 * 3600...6 * 3600))
        return [
            Segment(start: midnight, end: departure, place: .stay(homeCells), entry: .lu),
            Segment(start: departure, end: boarding, place: .move(homeCells), entry: .ho, detachAtEnd: true),
            Segment(
                start: landing, end: midnight + 86_400, place: .abroad(mcc: destination.mcc, mnc: mnc, cells: cells),
                entry: .attach),
        ].filter { $0.end > $0.start }
    }

    /// Appends the journey's segments (short passes through cities on the way); returns the arrival time.
    private mutating func travel(
        from a: Int, to b: Int, leaving departure: Int64, world: World, into segments: inout [Segment]
    ) -> Int64 {
        let distance = world.cities[a].distance(to: world.cities[b])
        let carrier = profile.carrier
        if distance > 1200 {
            // Flying: records at the departure city, nothing in the air.
            segments.append(
                Segment(
                    start: departure, end: departure + 3600, place: .move(world.cells.cells(city: a, carrier: carrier)),
                    entry: .ho))
            return departure + 3600 + Int64(distance / 700 * 3600)
        }
        let duration = Int64(distance / 250 * 3600) + 1800  // high-speed rail plus getting to the station
        segments.append(
            Segment(
                start: departure, end: departure + 1200, place: .move(world.cells.cells(city: a, carrier: carrier)),
                entry: .ho))
        for city in world.intermediates(from: a, to: b).prefix(4) {
            let fraction = world.cities[city].position(onRouteFrom: world.cities[a], to: world.cities[b]).fraction
            let enter = departure + 1200 + Int64(fraction * Double(duration - 1200))
            let pass = Int64(random.int(5 * 60...40 * 60))
            let cells = world.cells.cells(city: city, carrier: carrier)
            segments.append(Segment(start: enter, end: enter + pass, place: .move(Array(cells.prefix(3))), entry: .ho))
        }
        return departure + duration
    }

    /// A time of day: a uniformly random second within the given local hours.
    private mutating func at(hours: ClosedRange<Int>) -> Int64 {
        Int64(random.int(hours.lowerBound * 3600...hours.upperBound * 3600))
    }

    // MARK: Emitting records

    /// Emits the records of one segment, keeping only those within `[from, until)`.
    mutating func emit(_ segment: Segment, world: World, from: Int64, until: Int64, into sink: inout FeedSink) {
        var records: [(Int64, Int, SimulatedEvent)] = []  // time, cell slot, event
        let span = segment.end - segment.start
        guard span > 0 else { return }
        switch segment.place {
        case .stay(let cells) where cells.isEmpty, .move(let cells) where cells.isEmpty:
            return
        case .stay(let cells):
            activity(
                from: segment.start, to: segment.end, locationUpdate: 3600, cells: cells.count, entry: segment.entry,
                into: &records)
        case .move(let cells):
            for (slot, _) in cells.enumerated() {
                let time = segment.start + span * Int64(slot) / Int64(cells.count) + Int64(random.int(0...60))
                records.append(
                    (min(time, segment.end - 1), slot, slot == 0 ? segment.entry : (random.chance(0.8) ? .ho : .data)))
            }
        case .pingPong:
            var time = segment.start
            var slot = 0
            while time < segment.end {
                records.append((time, slot, slot == 0 ? .ho : random.pick([.ho, .lu])))
                slot = 1 - slot
                time += Int64(random.int(90...420))
            }
        case .abroad(_, _, let cells):
            activity(
                from: segment.start, to: segment.end, locationUpdate: 7200, cells: cells.count, entry: segment.entry,
                into: &records)
        }
        if segment.detachAtEnd {
            records.append((max(segment.start, segment.end - Int64(random.int(10...120))), 0, .detach))
        }
        for (time, slot, event) in records where time >= from && time < until {
            var record = SimulatedRecord(
                time: time, phone: profile.number, mcc: 460, mnc: 0, lac: 0, cellID: 0, event: event, fault: nil)
            switch segment.place {
            case .stay(let cells), .move(let cells):
                fill(&record, cell: world.cells.cells[cells[slot]])
            case .pingPong(let a, let b):
                fill(&record, cell: world.cells.cells[slot == 0 ? a : b])
            case .abroad(let mcc, let mnc, let cells):
                record.mcc = mcc
                record.mnc = mnc
                record.lac = cells[slot].lac
                record.cellID = cells[slot].cellID
            }
            sink.add(record, carrier: profile.carrier)
        }
    }

    private func fill(_ record: inout SimulatedRecord, cell: SimulatedCell) {
        record.mnc = cell.mnc
        record.lac = cell.lac
        record.cellID = cell.cellID
    }

    /// Periodic location updates plus calls, messages and data sessions, busier by day.
    private mutating func activity(
        from start: Int64, to end: Int64, locationUpdate: Int, cells: Int,
        entry: SimulatedEvent, into records: inout [(Int64, Int, SimulatedEvent)]
    ) {
        var time = start + Int64(random.int(0...120))
        guard time < end else { return }
        records.append((time, 0, entry))
        var nextUpdate = time + Int64(random.int(locationUpdate - 600...locationUpdate + 600))
        while true {
            let hour = ((time + 8 * 3600) % 86_400) / 3600
            let rate = (8...22).contains(hour) ? 0.8 : 0.1  // events per hour besides updates
            let gap = Int64(-log(1 - Double.random(in: 0..<1, using: &random)) / rate * 3600) + 1
            if time + gap < nextUpdate {
                time += gap
                guard time < end else { return }
                records.append((time, random.int(0...cells - 1), random.pick([.call, .sms, .data, .data, .data])))
            } else {
                time = nextUpdate
                guard time < end else { return }
                records.append((time, random.int(0...cells - 1), .lu))
                nextUpdate = time + Int64(random.int(locationUpdate - 600...locationUpdate + 600))
            }
        }
    }
}
