import Foundation
import Logging

/// Entry point for choosing and starting the store.
public enum Database {
    /// Picks the database, in this order (``ItinerarySettings``): `url`; `DATABASE_URL`; libpq's
    /// `PG*` variables when `PGHOST` is set; otherwise the embedded cluster under
    /// `stateDirectory`, started if needed and, when `createCluster`, created if missing.
    ///
    /// The schema is not touched: run `Migrator` on a connection afterwards.
    /// - Throws: `EmbeddedPostgresError` naming the state directory when there is no cluster to
    ///   start and `createCluster` is false (a read-only command, or a mistyped `--state`).
    public static func open(
        url: String?,
        stateDirectory: URL,
        createCluster: Bool = true,
        settings: ItinerarySettings = .process,
        logger: Logger = Logger(label: "itinerary.store")
    ) throws -> DatabaseConfiguration {
        if let url, !url.isEmpty {
            return DatabaseConfiguration(connectionString: url, embedded: nil, source: .explicit)
        }
        if let url = settings.databaseURL {
            return DatabaseConfiguration(connectionString: url, embedded: nil, source: .environment)
        }
        if settings.libpqHost != nil {
            return DatabaseConfiguration(connectionString: "", embedded: nil, source: .environment)
        }
        let cluster = EmbeddedPostgres(stateDirectory: stateDirectory, settings: settings, logger: logger)
        guard createCluster || cluster.exists else {
            throw EmbeddedPostgresError(
                "no embedded cluster under \(stateDirectory.path) (nothing was ever ingested there: check --state or "
                    + "ITINERARY_STATE, or give --database)")
        }
        try cluster.start()
        return DatabaseConfiguration(connectionString: cluster.connectionString, embedded: cluster, source: .embedded)
    }
}
