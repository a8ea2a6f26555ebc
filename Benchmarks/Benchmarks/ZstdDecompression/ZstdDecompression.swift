import Benchmark
import BenchmarkData
import ItineraryFeed

/// zstd decompression of whole feed files (`ZstdDecompressor.decompress`), compressed bytes in memory.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident,
                  .custom("CSV MB/s", polarity: .prefersLarger, useScalingFactor: false),
                  .custom("compressed MB/s", polarity: .prefersLarger, useScalingFactor: false)],
        warmupIterations: 1,
        maxDuration: .seconds(3),
        maxIterations: 20
    )
    for size in BenchmarkDataSet.sizes {
        nonisolated(unsafe) var data: BenchmarkDataSet?
        Benchmark("ZstdDecompressor.decompress \(size)") { benchmark in
            let data = data!
            let clock = ContinuousClock()
            for _ in benchmark.scaledIterations {
                var produced = 0
                let start = clock.now
                for bytes in data.compressed {
                    produced += try ZstdDecompressor.decompress(bytes).count
                }
                let elapsed = clock.now - start
                blackHole(produced)
                benchmark.measurement(.custom("CSV MB/s", polarity: .prefersLarger, useScalingFactor: false), Rate.perSecond(produced, elapsed) / 1_000_000)
                benchmark.measurement(.custom("compressed MB/s", polarity: .prefersLarger, useScalingFactor: false), Rate.perSecond(data.compressedBytes, elapsed) / 1_000_000)
            }
        } setup: {
            data = try BenchmarkDataSet.load(size)
        } teardown: {
            data = nil
        }
    }
}
