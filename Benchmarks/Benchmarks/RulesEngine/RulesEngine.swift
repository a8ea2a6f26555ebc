import Benchmark
import BenchmarkData
import ItineraryCore

/// The rules engine over pre-parsed observations: `ItineraryEngine.add` file by file (the offline
/// command's engine, journal and horizon included), then every card at `T`.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident,
                  .custom("records/s", polarity: .prefersLarger, useScalingFactor: false)],
        warmupIterations: 1,
        maxDuration: .seconds(3),
        maxIterations: 20
    )
    for size in BenchmarkDataSet.sizes {
        nonisolated(unsafe) var input: (files: [[(Phone, Observation)]], end: Int64, records: Int)?

        Benchmark("ItineraryEngine.add \(size)") { benchmark in
            let input = input!
            let clock = ContinuousClock()
            for _ in benchmark.scaledIterations {
                let start = clock.now
                var engine = ItineraryEngine<Phone>(rules: CardRules(), horizon: input.end)
                for file in input.files {
                    engine.beginFile()
                    for (phone, observation) in file { _ = engine.add(observation, for: phone) }
                    engine.endFile()
                }
                let elapsed = clock.now - start
                blackHole(engine.tracks.count)
                benchmark.measurement(.custom("records/s", polarity: .prefersLarger, useScalingFactor: false), Rate.perSecond(input.records, elapsed))
            }
        } setup: {
            let data = try BenchmarkDataSet.load(size)
            let files = data.parsed()
            input = (files, data.end, files.reduce(0) { $0 + $1.count })
        } teardown: {
            input = nil
        }

        nonisolated(unsafe) var built: (engine: ItineraryEngine<Phone>, end: Int64)?
        Benchmark("ItineraryEngine cards at T \(size)") { benchmark in
            let (engine, end) = built!
            for _ in benchmark.scaledIterations {
                var places = 0
                for phone in engine.tracks.keys { places += engine.card(for: phone, at: end).places.count }
                blackHole(places)
            }
        } setup: {
            let data = try BenchmarkDataSet.load(size)
            var engine = ItineraryEngine<Phone>(rules: CardRules(), horizon: data.end)
            for file in data.parsed() {
                engine.beginFile()
                for (phone, observation) in file { _ = engine.add(observation, for: phone) }
                engine.endFile()
            }
            built = (engine, data.end)
        } teardown: {
            built = nil
        }
    }
}
