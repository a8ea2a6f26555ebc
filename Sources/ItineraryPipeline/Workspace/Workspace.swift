import Foundation
import ItineraryCore
import ItineraryFeed
import ItineraryPostgres
import ItineraryStore
import Logging

/// Everything a command needs to work against the store: the database (the embedded cluster
/// unless one is configured), the migrated schema, the reference places, and the phone-key secret.
///
/// How a process starts against its store is this initialiser: its parts — the settings, the
/// database choice, the embedded cluster and its users, migrations, secrets — are together in
/// ItineraryStore's `Startup/`; only this composition lives here, because it also loads the
/// reference places, which are ItineraryFeed's.
public final class Workspace: @unchecked Sendable {
    public let stateDirectory: URL
    /// The environment's settings this process started with.
    public let settings: ItinerarySettings
    public let database: DatabaseConfiguration
    public let places: PlaceDirectory
    public let keyer: PhoneKeyer
    /// This process among the embedded cluster's users (nil on a server given by URL): the last
    /// one to shut down stops it.
    private let clusterUsers: ClusterUsers?
    let logger: Logger

    /// Opens (and migrates) the store. `databaseURL` nil means `DATABASE_URL`, `PG*`, or the
    /// embedded cluster under `stateDirectory`, which only a command that writes (`create`)
    /// may create: a read-only one on a missing cluster gets an error naming the directory.
    public init(
        stateDirectory: URL, databaseURL: String?, create: Bool = true, settings: ItinerarySettings = .process,
        logger: Logger = Logger(label: "itinerary")
    ) throws {
        if create { try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true) }
        self.stateDirectory = stateDirectory
        self.settings = settings
        self.logger = logger
        // Joined before the cluster starts, so a user stopping it meanwhile finishes first.
        let users = try ClusterUsers(stateDirectory: stateDirectory)
        let wasRunning =
            (try? EmbeddedPostgres(stateDirectory: stateDirectory, settings: settings).isRunning()) ?? false
        database = try Database.open(
            url: databaseURL, stateDirectory: stateDirectory, createCluster: create, settings: settings, logger: logger)
        clusterUsers = database.embedded == nil ? nil : users
        if !wasRunning { clusterUsers?.markStarted() }
        let divisions = try Divisions.load()
        let countries = try Countries.load()
        places = PlaceDirectory(divisions: divisions, countries: countries)
        keyer = PhoneKeyer(secret: try Secrets.phoneKeySecret(stateDirectory: stateDirectory, settings: settings))
        let connection = try connect()
        try Migrator(directory: try Migrator.defaultDirectory(settings: settings)).migrate(connection)
        try ReferenceStore(connection: connection).ensurePlaces(divisions: divisions, countries: countries)
    }

    /// The secret `name` of this store (``Secrets``): its variable, else its file here.
    public func secret(_ name: SecretName) throws -> [UInt8] {
        try Secrets.secret(name, stateDirectory: stateDirectory, settings: settings)
    }

    /// The connection string for this process.
    public var connectionString: String { database.connectionString }

    /// A new connection to the store.
    public func connect() throws -> PostgresConnection {
        try PostgresConnection(connectionString)
    }

    /// The feed reader over the cells in force.
    public func reader(connection: PostgresConnection) throws -> FeedReader {
        let rows = try ReferenceStore(connection: connection).cells()
        let cells = CellTable(
            rows.compactMap { row in
                guard let key = CellKey(mcc: row.mcc, mnc: row.mnc, lac: row.lac, cellID: row.cellID),
                    let city = places.city(ofAdcode: row.adcode)
                else { return nil }
                return (key, city)
            })
        return FeedReader(directory: places, cells: cells)
    }

    /// The card rules with the risk areas in force.
    public func rules(_ configuration: RuleConfiguration, connection: PostgresConnection) throws -> CardRules {
        CardRules(configuration: configuration, risk: RiskMap(try ReferenceStore(connection: connection).riskAreas()))
    }

    /// The close contacts in force, by phone key.
    public func contacts(connection: PostgresConnection) throws -> ContactList<PhoneKey> {
        ContactList(try ReferenceStore(connection: connection).contacts())
    }

    /// Leaves the embedded cluster's users, stopping it if this process is the last one and an
    /// `itinerary` process started it (``ClusterUsers``). Call once, at the end.
    public func shutdown() {
        guard let clusterUsers, let cluster = database.embedded else { return }
        do {
            try clusterUsers.leave { try cluster.stop() }
        } catch {
            logger.warning("could not stop the embedded cluster: \(error)")
        }
    }
}
