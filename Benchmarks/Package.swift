// swift-tools-version:6.1
import PackageDescription
import struct Foundation.URL

/// A path dependency is known by its directory's name, which depends on where the repo is cloned.
let parent = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

/// Micro-benchmarks of the itinerary stages (Benchmarks/README.md), a separate package so the main build
/// never pulls the benchmark harness. Run from this directory:
///
///     swift package --allow-writing-to-package-directory benchmark
///
/// The window benchmark of the whole command (and the DuckDB baseline) is `window_bench.py`.
let package = Package(
    name: "ItineraryBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        // Its default traits pull a runtime interposer this machine's package mirror lacks.
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "BenchmarkData",
            dependencies: [
                .product(name: "ItineraryCore", package: parent),
                .product(name: "ItineraryFeed", package: parent),
                .product(name: "ItinerarySimulation", package: parent),
            ],
            path: "Sources/BenchmarkData"
        ),
        .executableTarget(
            name: "FeedParsing",
            dependencies: [
                "BenchmarkData",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/FeedParsing",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ZstdDecompression",
            dependencies: [
                "BenchmarkData",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ZstdDecompression",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RulesEngine",
            dependencies: [
                "BenchmarkData",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/RulesEngine",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
