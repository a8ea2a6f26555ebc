import ItineraryPostgres

/// A connection to a fresh, empty database on the shared test server.
public func scratchConnection(_ label: String) throws -> PostgresConnection {
    try PostgresConnection(SharedTestDatabase.makeScratchDatabase(label: label))
}
