import Foundation
import ItineraryCore

/// Turns checked feed files into observations and rejects (docs/feed-format.md).
///
/// The hot path is one pass over the decompressed bytes with index arithmetic: no `String`,
/// `Substring` or other allocation per valid record (a rejected line allocates its raw text).
/// A file kept in memory is parsed in one go; a larger one is decompressed again into a window
/// of `FeedLimits.maxLineBytes` plus a chunk, so memory stays bounded whatever the file holds.
public struct FeedReader: Sendable {
    /// How far ahead of the ingest clock an event may be: ten minutes.
    public static let futureTolerance: Int64 = 600
    /// How far after the time in its file's name an event may be: an hour (`after_file_time`
    /// beyond). The name time is when the carrier closed the file: a later record is a clock glitch.
    public static let fileTimeTolerance: Int64 = 3600
    /// How much of an over-long line is kept in its reject.
    public static let keptPrefixOfLongLine = 256

    public let directory: PlaceDirectory
    public let cells: CellTable
    /// `PlaceCode.rawValue` of every roaming MCC 0...999; 0 where unknown (and at 460).
    private let countryByMCC: [UInt32]

    public init(directory: PlaceDirectory, cells: CellTable) {
        self.directory = directory
        self.cells = cells
        var table = [UInt32](repeating: 0, count: 1000)
        for country in directory.countries
        where (0..<1000).contains(country.mcc) && country.mcc != PlaceDirectory.mainlandMCC {
            table[country.mcc] = country.code.rawValue
        }
        countryByMCC = table
    }

    /// Reads, checks and parses the file at `url`, calling `body` for each non-blank record line.
    /// - Throws: `FeedError` before any call to `body` if the file is refused whole;
    ///   otherwise only what `body` throws, or `.changedWhileReading`.
    public func read(
        contentsOf url: URL, now: Int64, limits: FeedLimits = .standard, _ body: (FeedItem) throws -> Void
    ) throws -> FeedSummary {
        try read(FeedFile(contentsOf: url, limits: limits), now: now, body)
    }

    /// Parses a checked file, calling `body` for each non-blank record line in order.
    /// `now` is the ingest clock (Unix seconds): events more than ten minutes after it are `future`;
    /// events more than an hour after the time in the file's name are `after_file_time`.
    /// - Throws: what `body` throws, or `FeedError.changedWhileReading` if a file read as a
    ///   stream no longer matches its check (some records may have been handed on by then).
    public func read(_ file: FeedFile, now: Int64, _ body: (FeedItem) throws -> Void) throws -> FeedSummary {
        try readLines(file, now: now) { item, _ in try body(item) }
    }

    /// Parses a checked file like `read`, handing each item with the bytes of its line as
    /// delivered (without the line end; only the first 256 bytes of a line too long to hold),
    /// valid during the call: for a tool that routes lines, such as `split`.
    public func readLines(
        _ file: FeedFile, now: Int64, _ body: (FeedItem, UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> FeedSummary {
        var parser = LineParser(reader: self, file: file, now: now)
        if let csv = file.csv {
            try csv.withUnsafeBufferPointer { bytes in
                try parser.parse(bytes.baseAddress!, from: file.bodyStart, to: bytes.count, body)
            }
        } else {
            try readStreaming(file, parser: &parser, body)
        }
        return parser.finish()
    }

    /// The body of a file kept in memory cut into pieces of about `size` bytes, each ending at a
    /// line end (the last at the file's end), to be parsed in parallel; nil for a file read as a
    /// stream.
    public func chunks(of file: FeedFile, size: Int) -> [Range<Int>]? {
        guard let csv = file.csv else { return nil }
        return csv.withUnsafeBufferPointer { bytes in
            var chunks: [Range<Int>] = []
            var start = file.bodyStart
            while start < bytes.count {
                // The piece ends after the first line end at or past its size.
                let last = start + max(size, 1) - 1
                var end = bytes.count
                if last < bytes.count,
                    let found = memchr(bytes.baseAddress! + last, Int32(UInt8(ascii: "\n")), bytes.count - last)
                {
                    end = bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                }
                chunks.append(start..<end)
                start = end
            }
            return chunks
        }
    }

    /// Parses one piece from `chunks(of:size:)`, calling `body` for each non-blank record line in
    /// order. Line numbers count from 1 at the piece's first line: the line in the file adds the
    /// header and the lines of the pieces before it.
    /// - Returns: what the piece held, and its lines (blank ones included).
    public func read(
        _ file: FeedFile, chunk: Range<Int>, now: Int64, _ body: (FeedItem) throws -> Void
    ) throws -> (summary: FeedSummary, lines: Int) {
        var parser = LineParser(reader: self, file: file, now: now)
        parser.lineNumber = 0
        try file.csv!.withUnsafeBufferPointer { bytes in
            try parser.parse(bytes.baseAddress!, from: chunk.lowerBound, to: chunk.upperBound) { item, _ in
                try body(item)
            }
        }
        return (parser.finish(), parser.lineNumber)
    }

    /// Decompresses the file again window by window: each window's complete lines are parsed,
    /// the incomplete last one moves to the front; a line longer than the limit is rejected and
    /// skipped to its end without being held.
    private func readStreaming(_ file: FeedFile, parser: inout LineParser, _ body: LineParser.Sink) throws {
        let stream = try ZstdStream(file.origin.open())
        let chunkSize = 1 << 20
        let capacity = file.limits.maxLineBytes + 2 + chunkSize
        let window = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { window.deallocate() }
        var filled = 0  // the start of an unfinished line, carried to the front of the window
        var header = file.bodyStart  // header bytes still to drop: it was parsed by the check
        var skipping = false  // inside an over-long line, until its end
        let newlineByte = UInt8(ascii: "\n")
        while true {
            let count: Int
            do {
                count = try stream.read(
                    into: UnsafeMutableRawBufferPointer(
                        start: window + filled, count: min(chunkSize, capacity - filled)))
            } catch {
                throw FeedError.changedWhileReading
            }
            if count == 0 { break }
            let end = filled + count
            var lineStart = 0
            if header > 0 {
                lineStart = min(count, header)
                header -= lineStart
            }
            if skipping {
                guard let found = memchr(window + lineStart, Int32(newlineByte), end - lineStart) else { continue }
                lineStart = window.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                skipping = false
            }
            // Parse up to the last line end among the new bytes (the carried ones hold none).
            var last = end - 1
            while last >= max(lineStart, filled), window[last] != newlineByte { last -= 1 }
            if last >= max(lineStart, filled) {
                try parser.parse(window, from: lineStart, to: last + 1, body)
                lineStart = last + 1
            }
            filled = end - lineStart
            if filled > file.limits.maxLineBytes + 1 {
                try parser.rejectLongLine(
                    UnsafeBufferPointer(start: window + lineStart, count: Self.keptPrefixOfLongLine), body)
                skipping = true
                filled = 0
                continue
            }
            memmove(window, window + lineStart, filled)
        }
        guard stream.contentHash() == file.contentHash else { throw FeedError.changedWhileReading }
        if filled > 0 { try parser.parse(window, from: 0, to: filled, body) }
    }

    /// Re-checks a record held back by the reference data or the clock (see `ReplayableRecord`)
    /// against the cells and the ingest clock in force now.
    public func observation(time: Int64, cell: CellKey, now: Int64) -> Result<Observation, FeedRejectReason> {
        resolve(time: time, cell: cell, latest: Self.latest(now: now))
    }

    /// The last event time accepted at ingest clock `now`.
    static func latest(now: Int64) -> Int64 {
        now > Int64.max - futureTolerance ? Int64.max : now + futureTolerance
    }

    /// The last event time a file named `name` can hold: its name time plus an hour.
    public static func latest(in name: FeedFileName) -> Int64 {
        name.time + fileTimeTolerance
    }

    /// A well-formed record's observation, or why the clock or the reference data keep it out:
    /// the one check the parse and a replay share.
    @inline(__always)
    func resolve(time: Int64, cell: CellKey, latest: Int64) -> Result<Observation, FeedRejectReason> {
        guard time <= latest else { return .failure(.future) }
        let place: UInt32
        if cell.mcc == PlaceDirectory.mainlandMCC {
            place = cells.place(of: cell)
            guard place != 0 else { return .failure(.unknownCell) }
        } else {
            place = countryByMCC[cell.mcc]
            guard place != 0 else { return .failure(.unknownMCC) }
        }
        return .success(Observation(time: time, place: PlaceCode(rawValue: place)))
    }

    /// The parse of one file's lines, across as many calls as it takes.
    private struct LineParser {
        typealias Sink = (FeedItem, UnsafeBufferPointer<UInt8>) throws -> Void
        let reader: FeedReader
        let fileName: String
        let maxLine: Int
        let fieldCount: Int
        let msisdnField, timeField, mccField, mncField, lacField, cellField, eventField: Int
        let latest: Int64
        /// The last event time the file's name allows (`after_file_time` beyond).
        let latestInFile: Int64
        let events: [UInt64]
        var summary: FeedSummary
        var rejectCounts = [Int](repeating: 0, count: FeedRejectReason.allCases.count)
        // Field k of a line spans starts[k] ..< starts[k + 1] - 1 (the byte before is its comma).
        var starts: [Int]
        var lineNumber = 1

        init(reader: FeedReader, file: FeedFile, now: Int64) {
            self.reader = reader
            fileName = file.name.description
            maxLine = file.limits.maxLineBytes
            let header = file.header
            fieldCount = header.fieldCount
            msisdnField = header.position(of: .msisdn)
            timeField = header.position(of: .eventTime)
            mccField = header.position(of: .mcc)
            mncField = header.position(of: .mnc)
            lacField = header.position(of: .lac)
            cellField = header.position(of: .cellID)
            eventField = header.position(of: .event)
            latest = FeedReader.latest(now: now)
            latestInFile = FeedReader.latest(in: file.name)
            events = FeedEvent.packedNames
            summary = FeedSummary(file: file.name)
            summary.bytes = file.decompressedBytes
            starts = [Int](repeating: 0, count: header.fieldCount + 1)
        }

        mutating func finish() -> FeedSummary {
            for reason in FeedRejectReason.allCases where rejectCounts[reason.index] > 0 {
                summary.rejected[reason] = rejectCounts[reason.index]
            }
            return summary
        }

        /// Rejects an over-long line from its first bytes; the caller skips the rest.
        mutating func rejectLongLine(_ prefix: UnsafeBufferPointer<UInt8>, _ body: Sink) throws {
            lineNumber += 1
            summary.records += 1
            rejectCounts[FeedRejectReason.lineTooLong.index] += 1
            try body(
                .rejected(
                    FeedReject(file: fileName, line: lineNumber, reason: .lineTooLong, raw: FeedLine.text(prefix))),
                prefix)
        }

        /// Parses the lines in `base[start..<end]`; the last may end at `end` without a newline.
        mutating func parse(
            _ base: UnsafePointer<UInt8>, from start: Int, to end: Int, _ body: Sink
        ) throws {
            let fieldCount = fieldCount
            try starts.withUnsafeMutableBufferPointer { starts in
                var position = start
                while position < end {
                    lineNumber += 1
                    let lineStart = position
                    // One pass finds the line's end and its commas, stopping at one comma too many.
                    var fields = 1
                    starts[0] = lineStart
                    let newline = ByteParsing.scanLine(base, from: lineStart, to: end) { comma in
                        if fields <= fieldCount {
                            if fields < fieldCount { starts[fields] = comma + 1 }
                            fields += 1
                        }
                    }
                    position = newline + 1
                    var lineEnd = newline
                    if lineEnd > lineStart, base[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                    if lineEnd == lineStart { continue }  // blank lines are not records
                    summary.records += 1
                    let line = UnsafeBufferPointer(start: base + lineStart, count: lineEnd - lineStart)

                    func reject(_ reason: FeedRejectReason, _ replayable: ReplayableRecord? = nil) throws {
                        rejectCounts[reason.index] += 1
                        let kept =
                            reason == .lineTooLong
                            ? UnsafeBufferPointer(rebasing: line.prefix(FeedReader.keptPrefixOfLongLine)) : line
                        try body(
                            .rejected(
                                FeedReject(
                                    file: fileName, line: lineNumber, reason: reason, raw: FeedLine.text(kept),
                                    replayable: replayable)), kept)
                    }
                    guard line.count <= maxLine else { try reject(.lineTooLong); continue }

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
                    guard mncBytes.count == 2 || mncBytes.count == 3, mnc >= 0 else {
                        try reject(.badMNC); continue
                    }
                    let lac = ByteParsing.unsigned(field(lacField), maximum: CellKey.lacRange.upperBound)
                    guard lac >= 0 else { try reject(.badLAC); continue }
                    let cellID = ByteParsing.unsigned(field(cellField), maximum: CellKey.cellIDRange.upperBound)
                    guard cellID >= 0 else { try reject(.badCellID); continue }
                    guard FeedEvent.isKnown(field(eventField), names: events) else {
                        try reject(.badEvent); continue
                    }
                    // Before the checks a replay can undo: the name time never changes.
                    guard time <= latestInFile else { try reject(.afterFileTime); continue }
                    let key = CellKey(
                        unchecked: UInt32(mcc), mnc: UInt32(mnc), lac: UInt64(lac), cellID: UInt64(cellID))
                    let observation: Observation
                    switch reader.resolve(time: time, cell: key, latest: latest) {
                    case .success(let resolved): observation = resolved
                    case .failure(let reason):
                        try reject(reason, ReplayableRecord(phone: phone, time: time, cell: key))
                        continue
                    }
                    summary.valid += 1
                    try body(
                        .record(
                            phone: phone, observation: observation,
                            line: lineNumber, raw: FeedLine(bytes: line)), line)
                }
            }
        }
    }
}
