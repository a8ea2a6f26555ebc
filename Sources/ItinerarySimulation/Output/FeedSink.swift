import Foundation
import ItineraryFeed

/// Collects generated records into hourly files per carrier and writes them out.
///
/// A record is delivered in the file of the hour after its event (its name time is the delivery
/// hour), a few percent are held back one to three hours more, about 1% arrive a second time
/// in a later file, and a small share are damaged into malformed lines.
struct FeedSink {
    private struct Bucket: Hashable {
        let carrier: FeedCarrier
        let hour: Int64
    }

    private let options: FeedGenerator.Options
    private let directory: URL
    private var random: Xoshiro256
    private var buckets: [Bucket: [SimulatedRecord]] = [:]
    /// Every delivery hour from the first to the last gets a file per carrier, even an empty one.
    private var nextHourToWrite: Int64
    private(set) var files: [URL] = []
    private(set) var lines = 0
    private(set) var duplicates = 0
    private(set) var malformed: [FeedRejectReason: Int] = [:]

    static let faults: [FeedRejectReason] = [
        .fieldCount, .badMSISDN, .badTime, .badMCC, .badMNC, .badLAC, .badCellID, .badEvent, .afterFileTime,
        .unknownCell, .unknownMCC,
    ]

    init(options: FeedGenerator.Options, directory: URL) {
        self.options = options
        self.directory = directory
        random = Xoshiro256(seed: options.seed ^ 0x5EED_F11E)
        nextHourToWrite = Self.hour(of: options.start) + 3600
    }

    static func hour(of time: Int64) -> Int64 { time - ((time % 3600) + 3600) % 3600 }

    mutating func add(_ record: SimulatedRecord, carrier: FeedCarrier) {
        var record = record
        var delivery = Self.hour(of: record.time) + 3600
        if random.chance(0.04) { delivery += Int64(random.int(1...options.maximumDelayHours)) * 3600 }
        if random.chance(options.malformedRate) {
            let fault = random.pick(Self.faults)
            record.fault = fault
            malformed[fault, default: 0] += 1
            switch fault {
            // A clock glitch: ten years after the file's name time (and after any ingest clock
            // before 2030, but the name time decides first).
            case .afterFileTime: record.time += 10 * 365 * 86_400
            case .unknownCell:
                record.mcc = 460
                record.cellID = 60_000_000_000 + random.int(0...999_999)
            case .unknownMCC: record.mcc = 1  // ITU test network: in no country table
            default: break
            }
        } else if random.chance(options.duplicateRate) {
            // The same record again in the same or a later file of the carrier.
            duplicates += 1
            buckets[Bucket(carrier: carrier, hour: delivery + Int64(random.int(0...2)) * 3600), default: []].append(
                record)
        }
        buckets[Bucket(carrier: carrier, hour: delivery), default: []].append(record)
    }

    /// Writes every file whose delivery hour is at or before `hour`: no later record can land there.
    mutating func flush(through hour: Int64) throws {
        while nextHourToWrite <= hour {
            for carrier in FeedCarrier.allCases {
                let records = buckets.removeValue(forKey: Bucket(carrier: carrier, hour: nextHourToWrite)) ?? []
                try write(records, carrier: carrier, hour: nextHourToWrite)
            }
            nextHourToWrite += 3600
        }
    }

    /// Writes everything still held.
    mutating func finish() throws {
        try flush(through: buckets.keys.map(\.hour).max() ?? nextHourToWrite - 3600)
    }

    private mutating func write(_ records: [SimulatedRecord], carrier: FeedCarrier, hour: Int64) throws {
        let format = CarrierFormat.of(carrier)
        var frames: [[UInt8]] = []
        var frame = format.header
        var inFrame = 0
        for record in records {
            if inFrame == format.linesPerFrame {
                frames.append(frame)
                frame = []
                inFrame = 0
            }
            format.append(record, to: &frame)
            inFrame += 1
        }
        frames.append(frame)
        lines += records.count
        let name = FeedFileName(carrier: carrier, time: hour, sequence: 1)
        let url = directory.appendingPathComponent(name.description)
        try Data(ZstdCompressor.compress(frames: frames, level: options.compressionLevel)).write(to: url)
        files.append(url)
    }
}
