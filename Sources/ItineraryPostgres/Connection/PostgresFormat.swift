/// The wire format of result columns (libpq `resultFormat`).
public enum PostgresFormat: Int32, Sendable {
    /// Values as PostgreSQL prints them; the default.
    case text = 0
    /// Values in PostgreSQL's binary send format; avoids hex decoding for large `bytea`.
    case binary = 1
}
