import Foundation
import ItineraryPostgres
import ItineraryStore
import ItineraryTestSupport
import ItineraryTestTags
import Testing

@Suite("Migrator", .tags(.integration))
struct MigratorTests {
    /// A directory holding the given migration files, removed by the caller.
    static func migrationDirectory(_ files: [String: String]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("itinerary-migrations-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, sql) in files {
            try sql.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return directory
    }

    @Test func appliesInOrderOnceAndRecords() throws {
        let directory = try Self.migrationDirectory([
            "0002_fill.sql": "INSERT INTO things VALUES (1); INSERT INTO things VALUES (2);",
            "0001_create.sql": "-- first\nCREATE TABLE things (x int PRIMARY KEY);",
            "README.md": "not a migration",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let connection = try scratchConnection("migrate")
        let migrator = Migrator(directory: directory)

        #expect(try migrator.migrate(connection).map(\.version) == [1, 2])
        #expect(try migrator.migrate(connection).isEmpty)

        let recorded = try connection.execute(
            "SELECT version, name, applied_at IS NOT NULL FROM schema_migrations ORDER BY version")
        #expect(recorded.rowCount == 2)
        #expect(recorded.string(0, 1) == "create")
        #expect(recorded.string(1, 1) == "fill")
        #expect(try recorded.bool(1, 2) == true)
        #expect(try connection.execute("SELECT count(*) FROM things").int64(0, 0) == 2)

        // A new file is picked up later.
        try "INSERT INTO things VALUES (3);".write(
            to: directory.appendingPathComponent("0003_more.sql"), atomically: true, encoding: .utf8)
        #expect(try migrator.migrate(connection).map(\.name) == ["more"])
    }

    @Test func failingMigrationLeavesNoTrace() throws {
        let directory = try Self.migrationDirectory([
            "0001_ok.sql": "CREATE TABLE ok (x int);",
            "0002_bad.sql": "CREATE TABLE half (x int); SELECT no_such_function();",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let connection = try scratchConnection("migratebad")
        let error = try #require(throws: PostgresError.self) { try Migrator(directory: directory).migrate(connection) }
        #expect(error.message.contains("migration 2 (bad)"))
        #expect(error.sqlState == "42883")
        #expect(try connection.execute("SELECT max(version) FROM schema_migrations").int64(0, 0) == 1)
        #expect(try connection.execute("SELECT to_regclass('half') IS NULL").bool(0, 0) == true)
    }

    @Test func concurrentMigratorsApplyEachMigrationOnce() throws {
        let directory = try Self.migrationDirectory([
            "0001_create.sql": "CREATE TABLE hits (n int); SELECT pg_sleep(0.2);",
            "0002_hit.sql": "INSERT INTO hits VALUES (1);",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try SharedTestDatabase.makeScratchDatabase(label: "migraterace")
        let migrator = Migrator(directory: directory)
        let outcomes = try [0, 1].map { _ in try PostgresConnection(url) }.map { connection in
            Thread.detachNewThreadWithResult { try migrator.migrate(connection).count }
        }.map { try $0.wait() }
        #expect(outcomes.reduce(0, +) == 2)
        #expect(try PostgresConnection(url).execute("SELECT count(*) FROM hits").int64(0, 0) == 1)
    }

    @Test func rejectsMalformedAndDuplicateFiles() throws {
        let malformed = try Self.migrationDirectory(["create.sql": "SELECT 1;"])
        let duplicate = try Self.migrationDirectory(["0001_a.sql": "SELECT 1;", "1_b.sql": "SELECT 1;"])
        defer {
            try? FileManager.default.removeItem(at: malformed)
            try? FileManager.default.removeItem(at: duplicate)
        }
        #expect(throws: MigrationError.self) { try Migrator(directory: malformed).migrations() }
        #expect(throws: MigrationError.self) { try Migrator(directory: duplicate).migrations() }
    }

    @Test func findsTheProjectSQLDirectoryAndItApplies() throws {
        let directory = try Migrator.defaultDirectory(settings: ItinerarySettings(environment: [:]))
        #expect(directory.lastPathComponent == "SQL")
        #expect(
            FileManager.default.fileExists(
                atPath: directory.deletingLastPathComponent().appendingPathComponent("Package.swift").path))
        let migrator = Migrator(directory: directory)
        #expect(try !migrator.migrations().isEmpty)

        // The project's real schema applies cleanly, and only once.
        let connection = try scratchConnection("projectschema")
        #expect(try migrator.migrate(connection).count == migrator.migrations().count)
        #expect(try migrator.migrate(connection).isEmpty)

        let overridden = try Migrator.defaultDirectory(
            settings: ItinerarySettings(environment: ["ITINERARY_SQL_DIR": directory.path]))
        #expect(overridden.path == directory.path)
        #expect(throws: MigrationError.self) {
            try Migrator.defaultDirectory(
                settings: ItinerarySettings(environment: ["ITINERARY_SQL_DIR": "/nonexistent"]))
        }
    }
}
