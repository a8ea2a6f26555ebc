import Foundation
import Logging

/// Entry point for choosing and starting the store.
public enum Database {
    /// Picks the database, in this order: `url`; `DATABASE_URL`; libpq's `PG*` variables when
    /// `PGHOST` is set; otherwise the embedded cluster under `stateDirectory`, started if needed.
    ///
    /// The schema is not touched: run `Migrator` on a connection afterwards.
    public static func open(
        url: String?,
        stateDirectory: URL,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "itinerary.store")
    ) throws -> DatabaseConfiguration {
        if let url, !url.isEmpty {
            return DatabaseConfiguration(connectionString: url, embedded: nil, source: .explicit)
        }
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            return DatabaseConfiguration(connectionString: url, embedded: nil, source: .environment)
        }
        if let host = environment["PGHOST"], !host.isEmpty {
            return DatabaseConfiguration(connectionString: "", embedded: nil, source: .environment)
        }
        let cluster = EmbeddedPostgres(stateDirectory: stateDirectory, logger: logger)
        try cluster.start()
        return DatabaseConfiguration(connectionString: cluster.connectionString, embedded: cluster, source: .embedded)
    }
}
