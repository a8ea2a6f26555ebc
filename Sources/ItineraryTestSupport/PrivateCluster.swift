import Foundation
import ItineraryPostgres
import ItineraryStore

extension SharedTestDatabase {
    /// A PostgreSQL cluster of its own, migrated, in a new state directory under /tmp: its files
    /// hold the calling test's writes and nothing older, for the tests that read them (stop it
    /// and remove the directory when done).
    public static func privateCluster(label: String = "private") throws -> (EmbeddedPostgres, URL) {
        // Bring the shared test server up first, so two initdb runs never overlap.
        _ = try connectionString()
        let state = URL(fileURLWithPath: "/tmp/itinerary-\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        let cluster = EmbeddedPostgres(stateDirectory: state)
        try cluster.start()
        try Migrator(directory: Migrator.defaultDirectory()).migrate(PostgresConnection(cluster.connectionString))
        return (cluster, state)
    }
}
