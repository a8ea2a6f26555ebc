import Benchmark
import BenchmarkData
import ItineraryFeed

/// Feed parsing: decompressed CSV in memory → validated observations (`FeedReader.read`), no zstd.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident,
                  .custom("records/s", polarity: .prefersLarger, useScalingFactor: false),
                  .custom("CSV MB/s", polarity: .prefersLarger, useScalingFactor: false)],
        warmupIterations: 1,
        maxDuration: .seconds(3),
        maxIterations: 20
    )
    for size in BenchmarkDataSet.sizes {
        nonisolated(unsafe) var data: BenchmarkDataSet?
        Benchmark("FeedReader.read \(size)") { benchmark in
            let data = data!
            let clock = ContinuousClock()
            for _ in benchmark.scaledIterations {
                var records = 0
                var sum: UInt64 = 0
                let start = clock.now
                for file in data.files {
                    let summary = try data.reader.read(file, now: data.end) { item in
                        if case let .record(_, observation, _, _) = item { sum &+= observation.packed }
                    }
                    records += summary.records
                }
                let elapsed = clock.now - start
                blackHole(sum)
                benchmark.measurement(.custom("records/s", polarity: .prefersLarger, useScalingFactor: false), Rate.perSecond(records, elapsed))
                benchmark.measurement(.custom("CSV MB/s", polarity: .prefersLarger, useScalingFactor: false), Rate.perSecond(data.csvBytes, elapsed) / 1_000_000)
            }
        } setup: {
            data = try BenchmarkDataSet.load(size)
        } teardown: {
            data = nil
        }
    }
}
