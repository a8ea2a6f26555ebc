import ItineraryStore
import ItineraryTestSupport

/// A connection to a fresh, empty database on the shared test server.
func scratchConnection(_ label: String) throws -> PostgresConnection {
    try PostgresConnection(SharedTestDatabase.makeScratchDatabase(label: label))
}
