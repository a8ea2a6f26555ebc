import Foundation
import ItineraryPostgres
import ItineraryTestSupport
import ItineraryTestTags
import Testing

@testable import ItineraryStore

@Suite("EmbeddedPostgres", .tags(.integration))
struct EmbeddedPostgresTests {
    @Test func startIsIdempotentAndConnectable() throws {
        guard let shared = try SharedTestDatabase.embeddedCluster() else { return }  // external server
        #expect(try shared.isRunning())
        // A second instance over the same state directory reuses the running server.
        let cluster = EmbeddedPostgres(stateDirectory: shared.stateDirectory)
        try cluster.start()
        #expect(cluster.connectionString == shared.connectionString)
        let connection = try PostgresConnection(cluster.connectionString)
        #expect(try connection.execute("SELECT current_database(), current_user").string(0, 0) == "itinerary")
        #expect(try connection.execute("SHOW fsync").string(0, 0) == "on")
        #expect(try connection.execute("SHOW listen_addresses").string(0, 0) == "")
        #expect(try connection.execute("SHOW server_encoding").string(0, 0) == "UTF8")
        for directory in [cluster.dataDirectory, cluster.socketDirectory] {
            let mode = try #require(
                FileManager.default.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int)
            #expect(mode == 0o700, "\(directory.path) has mode \(String(mode, radix: 8))")
        }
    }

    @Test func longStateDirectoryGetsAShortSocketDirectory() {
        let short = EmbeddedPostgres(stateDirectory: URL(fileURLWithPath: "/var/lib/itinerary"))
        #expect(short.socketDirectory.path == "/var/lib/itinerary/postgres/run")
        let deep = URL(fileURLWithPath: "/tmp/" + String(repeating: "deep/", count: 30))
        let long = EmbeddedPostgres(stateDirectory: deep)
        #expect(long.socketDirectory.path.hasPrefix("/tmp/itinerary-pg-"))
        #expect((long.socketDirectory.path + "/.s.PGSQL.5432").utf8.count <= EmbeddedPostgres.maxSocketPathBytes)
        #expect(EmbeddedPostgres(stateDirectory: deep).socketDirectory == long.socketDirectory)
        #expect(long.connectionString.contains("dbname='itinerary'"))
    }

    @Test func databaseOpenPrefersConfiguredServers() throws {
        let state = URL(fileURLWithPath: "/nonexistent/state")
        let explicit = try Database.open(
            url: "postgresql://h/db", stateDirectory: state,
            settings: ItinerarySettings(environment: ["DATABASE_URL": "x"]))
        #expect(explicit.source == .explicit && explicit.embedded == nil)
        let fromURL = try Database.open(
            url: nil, stateDirectory: state,
            settings: ItinerarySettings(environment: ["DATABASE_URL": "postgresql://h/db"]))
        #expect(fromURL.connectionString == "postgresql://h/db" && fromURL.source == .environment)
        let fromPG = try Database.open(
            url: "", stateDirectory: state, settings: ItinerarySettings(environment: ["PGHOST": "/run/postgresql"]))
        #expect(fromPG.connectionString == "" && fromPG.source == .environment)
    }
}
