import Foundation

/// Locates `initdb` and `pg_ctl` of the installed PostgreSQL server.
struct PostgresBinaries: Sendable {
    let initdb: String
    let pgCtl: String

    /// Looks in `ITINERARY_PG_BINDIR`, then `pg_config --bindir`, then the highest
    /// `/usr/lib/postgresql/<version>/bin` (Debian's layout), then `PATH`.
    static func locate(settings: ItinerarySettings) throws -> PostgresBinaries {
        var candidates: [String] = []
        if let override = settings.postgresBinDirectory { candidates.append(override) }
        if let bindir = pgConfigBindir(settings: settings) { candidates.append(bindir) }
        candidates += debianBindirs()
        candidates += settings.executableDirectories(fallback: "/usr/local/bin:/usr/bin:/bin")

        let fileManager = FileManager.default
        for directory in candidates {
            let initdb = directory + "/initdb", pgCtl = directory + "/pg_ctl"
            if fileManager.isExecutableFile(atPath: initdb) && fileManager.isExecutableFile(atPath: pgCtl) {
                return PostgresBinaries(initdb: initdb, pgCtl: pgCtl)
            }
        }
        throw EmbeddedPostgresError(
            "cannot find initdb and pg_ctl (looked in: \(candidates.joined(separator: ", "))); "
                + "install the PostgreSQL server (e.g. apt-get install postgresql) or set DATABASE_URL"
        )
    }

    private static func pgConfigBindir(settings: ItinerarySettings) -> String? {
        let path = settings.executableDirectories(fallback: "/usr/bin:/bin").map { "\($0)/pg_config" }
        guard let pgConfig = path.first(where: { FileManager.default.isExecutableFile(atPath: $0) }),
            let outcome = try? CommandRunner(user: nil).run(pgConfig, ["--bindir"], in: URL(fileURLWithPath: "/")),
            outcome.status == 0
        else { return nil }
        return outcome.output
    }

    private static func debianBindirs() -> [String] {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return
            versions
            .compactMap { name in Double(name).map { (name, $0) } }
            .sorted { $0.1 > $1.1 }
            .map { "\(root)/\($0.0)/bin" }
    }
}
