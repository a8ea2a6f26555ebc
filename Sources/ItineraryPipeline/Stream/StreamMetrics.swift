import Foundation
import Metrics

/// The streaming pipeline's metrics, through swift-metrics (the executable bootstraps the
/// Prometheus factory; without a bootstrap they cost nothing):
///
/// - `itinerary_stream_files_total{outcome}`: `applied`, `duplicate` (content already in the
///   ledger), `refused`, `deferred` (changed while read: left in the inbox, taken again later)
/// - `itinerary_stream_records_total{outcome}`: `accepted`, `duplicate`, `late`, `rejected`
/// - `itinerary_stream_lag_seconds`: histogram of file arrival (the delivering rename) to commit
/// - `itinerary_stream_watermark_seconds`: the watermark the next file is checked against
/// - `itinerary_stream_newest_event_seconds`: newest accepted event time
/// - `itinerary_stream_phones`: phones held in state
/// - `itinerary_stream_inbox_waiting`: files waiting in the inbox at the last listing
/// - `itinerary_stream_resident_memory_bytes`: the process's resident set
/// - `itinerary_stream_store_failures_total`: store failures (the file is retried)
///
/// Every handle is made once: nothing here grows with the files processed.
public struct StreamMetrics: Sendable {
    public static let lagLabel = "itinerary_stream_lag_seconds"
    /// Buckets for the lag histogram (a Prometheus factory should use them for `lagLabel`).
    public static let lagBuckets: [Duration] = [
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2),
        .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300), .seconds(1800),
    ]

    let filesApplied = Counter(label: "itinerary_stream_files_total", dimensions: [("outcome", "applied")])
    let filesDuplicate = Counter(label: "itinerary_stream_files_total", dimensions: [("outcome", "duplicate")])
    let filesRefused = Counter(label: "itinerary_stream_files_total", dimensions: [("outcome", "refused")])
    let filesDeferred = Counter(label: "itinerary_stream_files_total", dimensions: [("outcome", "deferred")])
    let recordsAccepted = Counter(label: "itinerary_stream_records_total", dimensions: [("outcome", "accepted")])
    let recordsDuplicate = Counter(label: "itinerary_stream_records_total", dimensions: [("outcome", "duplicate")])
    let recordsLate = Counter(label: "itinerary_stream_records_total", dimensions: [("outcome", "late")])
    let recordsRejected = Counter(label: "itinerary_stream_records_total", dimensions: [("outcome", "rejected")])
    let storeFailures = Counter(label: "itinerary_stream_store_failures_total")
    let lag = Metrics.Timer(label: StreamMetrics.lagLabel)
    let watermark = Gauge(label: "itinerary_stream_watermark_seconds")
    let newestEvent = Gauge(label: "itinerary_stream_newest_event_seconds")
    let phones = Gauge(label: "itinerary_stream_phones")
    let waiting = Gauge(label: "itinerary_stream_inbox_waiting")
    let residentMemory = Gauge(label: "itinerary_stream_resident_memory_bytes")

    public init() {}

    func record(_ outcome: FileOutcome, lagSeconds: Double?) {
        switch outcome {
        case .applied(_, let counts):
            filesApplied.increment()
            recordsAccepted.increment(by: counts.accepted)
            recordsDuplicate.increment(by: counts.duplicates)
            recordsLate.increment(by: counts.late)
            recordsRejected.increment(by: counts.rejectedCount)
            if let lagSeconds { lag.recordNanoseconds(Int64(max(0, lagSeconds) * 1e9)) }
        case .alreadyIngested:
            filesDuplicate.increment()
        case .refused:
            filesRefused.increment()
        case .deferred:
            filesDeferred.increment()
        }
    }

    func state(watermark: Int64, newestEvent: Int64?, phones: Int) {
        if watermark != .min { self.watermark.record(watermark) }
        if let newestEvent { self.newestEvent.record(newestEvent) }
        self.phones.record(phones)
        if let bytes = ResidentMemory.bytes() { residentMemory.record(bytes) }
    }
}

/// The resident set size of this process, from `/proc/self/statm` (Linux).
public enum ResidentMemory {
    public static func bytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .ascii) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
