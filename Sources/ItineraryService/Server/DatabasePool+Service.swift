import ItineraryPostgres
import ItineraryStore

extension DatabasePool {
    /// The process's pool as the service configuration sizes it: its connections, the longest a
    /// request waits (then 503), and the server-side statement timeout.
    public convenience init(connectionString: String, configuration: ServiceConfiguration) {
        self.init(
            connectionString: connectionString, size: configuration.databasePoolSize,
            deadline: configuration.databaseDeadline,
            statementTimeout: configuration.statementTimeout)
    }
}
