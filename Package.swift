// swift-tools-version:6.1
import PackageDescription

/// Module graph (data flows one way: feed → observations → visits → cards → store → lookup):
///
///     itinerary (CLI)
///       ├─ ItineraryService   HTTP lookup (Hummingbird)      ─┐
///       ├─ ItineraryPipeline  batch + streaming ingest        ├─ ItineraryStore (domain stores, start-up)
///       │                                                     │    └─ ItineraryPostgres (libpq driver) ─ CLibPQ
///       ├─ ItinerarySimulation synthetic feed generator       │
///       └─ ItineraryFeed      zstd + CSV bytes → observations ┴─ ItineraryCore (pure rules)
let package = Package(
    name: "itinerary",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "itinerary", targets: ["itinerary"]),
        .library(name: "ItineraryCore", targets: ["ItineraryCore"]),
        .library(name: "ItineraryFeed", targets: ["ItineraryFeed"]),
        .library(name: "ItinerarySimulation", targets: ["ItinerarySimulation"]),
        .library(name: "ItineraryPostgres", targets: ["ItineraryPostgres"]),
        .library(name: "ItineraryStore", targets: ["ItineraryStore"]),
        .library(name: "ItineraryPipeline", targets: ["ItineraryPipeline"]),
        .library(name: "ItineraryService", targets: ["ItineraryService"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        // 2.13: withMetricsFactory (the lookup server binds its registry to its own tasks).
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.0.0"),
        // 2.28: RouterOptions.autoGenerateHeadEndpoints (HEAD wherever GET is).
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        // serve, demo and stream run as services with graceful shutdown; already used by Hummingbird.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // The lookup service's connection handler (NIOCore, NIOHTTPTypes); already used by Hummingbird.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.25.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
        // The SMS webhook's client, on NIO like the server (HummingbirdTesting builds it for the tests anyway).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.21.0"),
        // ItinerarySettings reads the environment through it; already built for Hummingbird, and with
        // no traits (as Hummingbird asks) nothing more is built.
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: []),
    ],
    targets: [
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CQRencode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .target(name: "ItineraryCore"),
        .target(
            name: "ItineraryFeed",
            dependencies: ["ItineraryCore", "CZstd", .product(name: "Crypto", package: "swift-crypto")],
            resources: [
                .copy("Resources/divisions.csv"), .copy("Resources/countries.csv"),
                .copy("Resources/city-names-en.csv"),
            ]
        ),
        .target(
            name: "ItinerarySimulation",
            dependencies: ["ItineraryCore", "ItineraryFeed"]
        ),
        // The driver: connections, typed decoding, COPY, the pool. Knows PostgreSQL, not the domain.
        .target(
            name: "ItineraryPostgres",
            dependencies: [
                "CLibPQ",
                // NIOThreadPool: the pool's blocking libpq calls (already built for the service).
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "ItineraryStore",
            dependencies: [
                "ItineraryCore", "ItineraryPostgres",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ItineraryPipeline",
            dependencies: [
                "ItineraryCore", "ItineraryFeed", "ItineraryPostgres", "ItineraryStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "ItineraryService",
            dependencies: [
                "ItineraryCore", "ItineraryPostgres", "ItineraryStore",
                "CQRencode",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),  // HTTPParserError: bad framing is a 400
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "itinerary",
            dependencies: [
                "ItineraryCore", "ItineraryFeed", "ItinerarySimulation", "ItineraryPostgres", "ItineraryStore",
                "ItineraryPipeline", "ItineraryService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                // `stream --metrics-port`: the Prometheus factory and its /metrics endpoint.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // Test support (a shared PostgreSQL server for the integration tests), not a product.
        .target(name: "ItineraryTestSupport", dependencies: ["ItineraryPostgres", "ItineraryStore"]),
        // The tests' tiers (`.unit`, `.integration`), declared once; no dependency, so the pure
        // targets' tests stay free of the store.
        .target(name: "ItineraryTestTags"),
        .testTarget(
            name: "ItineraryCoreTests",
            dependencies: [
                "ItineraryCore", "ItineraryTestTags", .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "ItineraryFeedTests",
            dependencies: [
                "ItineraryCore", "ItineraryFeed", "ItinerarySimulation", "ItineraryTestTags",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "ItineraryPostgresTests",
            dependencies: ["ItineraryPostgres", "ItineraryTestSupport", "ItineraryTestTags"]
        ),
        .testTarget(
            name: "ItineraryStoreTests",
            dependencies: [
                "ItineraryCore", "ItineraryPostgres", "ItineraryStore", "ItineraryTestSupport", "ItineraryTestTags",
            ]
        ),
        .testTarget(
            name: "ItineraryPipelineTests",
            dependencies: [
                "ItineraryCore", "ItineraryFeed", "ItinerarySimulation", "ItineraryPostgres", "ItineraryStore",
                "ItineraryPipeline", "ItineraryTestSupport", "ItineraryTestTags",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "ItineraryServiceTests",
            dependencies: [
                "ItineraryCore", "ItineraryPostgres", "ItineraryStore", "ItineraryService", "ItineraryTestSupport",
                "ItineraryTestTags",
                // The unit tier's handlers through the router (`app.test(.router)`), no socket;
                // NIOHTTP1 for the parser's error a client hanging up mid-body gives.
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ]
)

// The upcoming language features the project writes to: explicit `any`, and members visible only
// through the modules a file imports itself.
for target in package.targets where target.type != .system {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
        ]
}
