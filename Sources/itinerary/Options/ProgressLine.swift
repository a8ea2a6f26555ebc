import Foundation
import ItineraryCore

/// A one-line progress report for long runs (files or days done, records per second, time
/// left), redrawn at most five times a second on standard error, and only when standard error
/// is a terminal: logs and pipes stay quiet.
final class ProgressLine {
    private let unit: String
    private let total: Int
    private let started = ContinuousClock.now
    private let enabled = isatty(STDERR_FILENO) != 0
    private var done = 0
    private var records = 0
    private var lastDraw = 0.0
    private var drawn = false

    init(unit: String, total: Int) {
        self.unit = unit
        self.total = max(total, 1)
    }

    /// One more unit done; `records` is the running total when `cumulative`, else this unit's.
    func advance(records: Int, cumulative: Bool = false) {
        done += 1
        self.records = cumulative ? records : self.records + records
        guard enabled else { return }
        let elapsed = (ContinuousClock.now - started).inSeconds
        guard elapsed - lastDraw >= 0.2 || done == total else { return }
        lastDraw = elapsed
        let rate = elapsed > 0 ? Double(self.records) / elapsed : 0
        let left = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let line =
            "\(unit) \(done)/\(total), \(self.records) records, \(Self.rate(rate)) records/s, \(Self.clock(left)) left"
        try? FileHandle.standardError.write(contentsOf: Data("\r\u{1B}[K\(line)".utf8))
        drawn = true
    }

    /// Clears the line before the final summary.
    func finish() {
        if drawn { try? FileHandle.standardError.write(contentsOf: Data("\r\u{1B}[K".utf8)) }
    }

    private static func rate(_ value: Double) -> String {
        value >= 1_000_000
            ? String(format: "%.2f M", value / 1_000_000)
            : value >= 1_000
                ? String(format: "%.0f k", value / 1_000)
                : String(format: "%.0f", value)
    }

    private static func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 3600
            ? String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
            : String(format: "%d:%02d", whole / 60, whole % 60)
    }
}
