import Foundation
import ItineraryCore

/// Turns checked feed files into observations and rejects (SPEC §2.1).
///
/// The hot path is one pass over the decompressed bytes with index arithmetic: no `String`,
/// `Substring` or other allocation per valid record (a rejected line allocates its raw text).
public struct FeedReader: Sendable {
    /// How far ahead of the ingest clock an event may be: ten minutes.
    public static let futureTolerance: Int64 = 600

    public let directory: PlaceDirectory
    public let cells: CellTable
    /// `PlaceCode.rawValue` of every roaming MCC 0...999; 0 where unknown (and at 460).
    private let countryByMCC: [UInt32]

    public init(directory: PlaceDirectory, cells: CellTable) {
        self.directory = directory
        self.cells = cells
        var table = [UInt32](repeating: 0, count: 1000)
        for country in directory.countries where (0..<1000).contains(country.mcc) && country.mcc != PlaceDirectory.mainlandMCC {
            table[country.mcc] = country.code.rawValue
        }
        countryByMCC = table
    }

    /// Reads, checks and parses the file at `url`, calling `body` for each non-blank record line.
    /// - Throws: `FeedError` before any call to `body` if the file is refused whole;
    ///   otherwise only what `body` throws.
    public func read(contentsOf url: URL, now: Int64, _ body: (FeedItem) throws -> Void) throws -> FeedSummary {
        try read(FeedFile(contentsOf: url), now: now, body)
    }

    /// Parses a checked file, calling `body` for each non-blank record line in order.
    /// `now` is the ingest clock (Unix seconds): events more than ten minutes after it are `future`.
    public func read(_ file: FeedFile, now: Int64, _ body: (FeedItem) throws -> Void) rethrows -> FeedSummary {
        var summary = FeedSummary(file: file.name)
        summary.bytes = file.csv.count
        var rejectCounts = [Int](repeating: 0, count: FeedRejectReason.allCases.count)
        let header = file.header
        let fieldCount = header.fieldCount
        let msisdnField = header.position(of: .msisdn)
        let timeField = header.position(of: .eventTime)
        let mccField = header.position(of: .mcc)
        let mncField = header.position(of: .mnc)
        let lacField = header.position(of: .lac)
        let cellField = header.position(of: .cellID)
        let eventField = header.position(of: .event)
        let latest = now > Int64.max - Self.futureTolerance ? Int64.max : now + Self.futureTolerance
        let events = FeedEvent.packedNames
        // Field k of a line spans starts[k] ..< starts[k + 1] - 1 (the byte before is its comma).
        var starts = [Int](repeating: 0, count: fieldCount + 1)
        var lineNumber = 1

        try file.csv.withUnsafeBufferPointer { bytes in
            try starts.withUnsafeMutableBufferPointer { starts in
                try countryByMCC.withUnsafeBufferPointer { countries in
                    let base = bytes.baseAddress!
                    let end = bytes.count
                    var position = file.bodyStart

                    while position < end {
                        lineNumber += 1
                        let lineStart = position
                        let newline: Int
                        if let found = memchr(base + position, Int32(UInt8(ascii: "\n")), end - position) {
                            newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                        } else {
                            newline = end
                        }
                        position = newline + 1
                        var lineEnd = newline
                        if lineEnd > lineStart, base[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                        if lineEnd == lineStart { continue }  // blank lines are not records
                        summary.records += 1

                        func reject(_ reason: FeedRejectReason) throws {
                            rejectCounts[reason.index] += 1
                            let raw = String(decoding: UnsafeBufferPointer(start: base + lineStart, count: lineEnd - lineStart), as: UTF8.self)
                            try body(.rejected(FeedReject(file: file.name.description, line: lineNumber, reason: reason, raw: raw)))
                        }

                        // Split into fields, stopping early once there are too many.
                        var fields = 1
                        starts[0] = lineStart
                        var index = lineStart
                        while index < lineEnd {
                            if base[index] == UInt8(ascii: ",") {
                                if fields == fieldCount { fields += 1; break }
                                starts[fields] = index + 1
                                fields += 1
                            }
                            index += 1
                        }
                        guard fields == fieldCount else { try reject(.fieldCount); continue }
                        starts[fieldCount] = lineEnd + 1

                        @inline(__always) func field(_ k: Int) -> UnsafeBufferPointer<UInt8> {
                            UnsafeBufferPointer(start: base + starts[k], count: starts[k + 1] - 1 - starts[k])
                        }

                        guard let phone = Phone(ascii: field(msisdnField)) else { try reject(.badMSISDN); continue }
                        let time = ByteParsing.unsigned(field(timeField), maximum: UInt64(UInt32.max))
                        guard time >= 0 else { try reject(.badTime); continue }
                        let mccBytes = field(mccField)
                        let mcc = ByteParsing.unsigned(mccBytes, maximum: 999)
                        guard mccBytes.count == 3, mcc >= 0 else { try reject(.badMCC); continue }
                        let mncBytes = field(mncField)
                        let mnc = ByteParsing.unsigned(mncBytes, maximum: 999)
                        guard mncBytes.count == 2 || mncBytes.count == 3, mnc >= 0 else { try reject(.badMNC); continue }
                        let lac = ByteParsing.unsigned(field(lacField), maximum: CellKey.lacRange.upperBound)
                        guard lac >= 0 else { try reject(.badLAC); continue }
                        let cellID = ByteParsing.unsigned(field(cellField), maximum: CellKey.cellIDRange.upperBound)
                        guard cellID >= 0 else { try reject(.badCellID); continue }
                        guard FeedEvent.isKnown(field(eventField), names: events) else { try reject(.badEvent); continue }
                        guard time <= latest else { try reject(.future); continue }

                        let place: UInt32
                        if mcc == PlaceDirectory.mainlandMCC {
                            let key = CellKey(unchecked: UInt32(mcc), mnc: UInt32(mnc), lac: UInt64(lac), cellID: UInt64(cellID))
                            place = cells.place(of: key)
                            guard place != 0 else { try reject(.unknownCell); continue }
                        } else {
                            place = countries[Int(mcc)]
                            guard place != 0 else { try reject(.unknownMCC); continue }
                        }
                        summary.valid += 1
                        try body(.record(phone: phone, observation: Observation(time: time, place: PlaceCode(rawValue: place)),
                                         line: lineNumber, bytes: lineStart..<lineEnd))
                    }
                }
            }
        }
        for reason in FeedRejectReason.allCases where rejectCounts[reason.index] > 0 {
            summary.rejected[reason] = rejectCounts[reason.index]
        }
        return summary
    }
}

extension FeedRejectReason {
    /// Position in `allCases`, for counting in a flat array.
    var index: Int {
        switch self {
        case .fieldCount: 0
        case .badMSISDN: 1
        case .badTime: 2
        case .badMCC: 3
        case .badMNC: 4
        case .badLAC: 5
        case .badCellID: 6
        case .badEvent: 7
        case .future: 8
        case .unknownCell: 9
        case .unknownMCC: 10
        case .late: 11
        }
    }
}
