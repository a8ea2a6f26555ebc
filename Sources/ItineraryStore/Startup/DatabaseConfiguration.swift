import ItineraryPostgres

/// Which PostgreSQL server the program uses, as chosen by `Database.open`.
public struct DatabaseConfiguration: Sendable {
    /// Where the choice came from.
    public enum Source: Sendable, Equatable {
        /// A URL or conninfo passed explicitly (for example `--database-url`).
        case explicit
        /// `DATABASE_URL`, or libpq's own `PG*` variables.
        case environment
        /// The private cluster under the state directory.
        case embedded
    }

    /// Pass to `PostgresConnection.init`; empty means libpq reads the `PG*` variables.
    public let connectionString: String
    /// The running embedded cluster, when that is the store; nil for an external server.
    public let embedded: EmbeddedPostgres?
    public let source: Source
}
