import Configuration
import Foundation

/// What a process reads from its environment, read once (``process``) and handed to the parts
/// that start it: ``Database/open(url:stateDirectory:createCluster:settings:logger:)``,
/// ``EmbeddedPostgres``, ``Migrator/defaultDirectory(settings:)`` and ``Secrets``. Nothing else
/// in the program reads an environment variable; libpq reads its own `PG*` ones.
///
/// One order everywhere: **option, then environment, then default**. `--database` beats
/// `DATABASE_URL`, which beats libpq's `PG*` variables (when `PGHOST` is set), which beat the
/// embedded cluster under `--state`, itself `ITINERARY_STATE` or the default; a secret's
/// variable beats its file in the state directory, which is generated when missing.
///
/// Read with swift-configuration (`ConfigReader` over `EnvironmentVariablesProvider`, a package
/// Hummingbird builds already). The secrets are read as secrets, so its access log
/// (`CONFIG_ACCESS_LOG_FILE`) redacts them, and ``description`` never shows them: a secret is
/// never logged.
public struct ItinerarySettings: Sendable, CustomStringConvertible {
    /// `DATABASE_URL`: the PostgreSQL server's URL or conninfo.
    public var databaseURL: String?
    /// `PGHOST`: set, libpq's `PG*` variables name the server.
    public var libpqHost: String?
    /// `ITINERARY_STATE`: the state directory when `--state` is not given.
    public var stateDirectory: String?
    /// `ITINERARY_SQL_DIR`: the migrations, instead of those found beside the executable.
    public var sqlDirectory: String?
    /// `ITINERARY_PG_BINDIR`: where `initdb` and `pg_ctl` are looked for first.
    public var postgresBinDirectory: String?
    /// `PATH`, searched for `pg_config`, `initdb` and `pg_ctl`.
    public var executablePath: String?
    /// The tests' shared server: `ITINERARY_TEST_DATABASE_URL`, else an embedded one under
    /// `ITINERARY_TEST_STATE_DIR` (ItineraryTestSupport).
    public var testDatabaseURL: String?
    public var testStateDirectory: String?
    /// The secrets set in the environment, by name.
    private var secrets: [SecretName: [UInt8]]

    /// The settings of this process, read from its environment on first use.
    public static let process = ItinerarySettings(
        reader: ConfigReader(
            provider: EnvironmentVariablesProvider(
                secretsSpecifier: .specific(Set(SecretName.allCases.map(\.rawValue))))
        ))

    /// Settings from `environment` instead of the process's (tests).
    public init(environment: [String: String]) {
        self.init(
            reader: ConfigReader(
                provider: EnvironmentVariablesProvider(
                    environmentVariables: environment,
                    secretsSpecifier: .specific(Set(SecretName.allCases.map(\.rawValue))))))
    }

    /// Reads every setting from `reader`; an empty variable counts as unset.
    public init(reader: ConfigReader) {
        func value(_ variable: String, isSecret: Bool = false) -> String? {
            // The environment provider spells the key `a.b` as the variable `A_B`.
            let key = ConfigKey(variable.lowercased().split(separator: "_").map(String.init))
            guard let value = reader.string(forKey: key, isSecret: isSecret), !value.isEmpty else { return nil }
            return value
        }
        databaseURL = value("DATABASE_URL")
        libpqHost = value("PGHOST")
        stateDirectory = value("ITINERARY_STATE")
        sqlDirectory = value("ITINERARY_SQL_DIR")
        postgresBinDirectory = value("ITINERARY_PG_BINDIR")
        executablePath = value("PATH")
        testDatabaseURL = value("ITINERARY_TEST_DATABASE_URL")
        testStateDirectory = value("ITINERARY_TEST_STATE_DIR")
        secrets = [:]
        for name in SecretName.allCases {
            secrets[name] = value(name.rawValue, isSecret: true).map { Array($0.utf8) }
        }
    }

    /// The secret `name` as set in the environment, if it is.
    public func secret(_ name: SecretName) -> [UInt8]? { secrets[name] }

    /// The directories `PATH` names, or `fallback` when it is unset.
    public func executableDirectories(fallback: String) -> [String] {
        (executablePath ?? fallback).split(separator: ":").map(String.init)
    }

    /// The settings with the secrets' values left out.
    public var description: String {
        let shown: [(String, String?)] = [
            ("DATABASE_URL", databaseURL.map { _ in "set" }), ("PGHOST", libpqHost),
            ("ITINERARY_STATE", stateDirectory), ("ITINERARY_SQL_DIR", sqlDirectory),
            ("ITINERARY_PG_BINDIR", postgresBinDirectory),
        ]
        let set = shown.compactMap { name, value in value.map { "\(name)=\($0)" } }
        let secretNames = SecretName.allCases.filter { secrets[$0] != nil }.map { "\($0.rawValue)=(secret)" }
        return "ItinerarySettings(" + (set + secretNames).joined(separator: ", ") + ")"
    }
}

/// A secret kept outside the database: its environment variable (the raw value) and the file
/// of the state directory used when the variable is unset (``Secrets``).
public enum SecretName: String, Sendable, CaseIterable {
    /// The HMAC secret phone keys are derived with.
    case phoneKey = "ITINERARY_PHONE_KEY_SECRET"
    /// Signs the SMS webhook's posts.
    case smsWebhook = "ITINERARY_SMS_WEBHOOK_SECRET"
    /// Authenticates the SMS gateway's inbound callbacks.
    case smsInbound = "ITINERARY_SMS_INBOUND_SECRET"

    /// The file under the state directory holding the secret when the variable is unset.
    public var fileName: String {
        switch self {
        case .phoneKey: "phone-key.secret"
        case .smsWebhook: "sms-webhook.secret"
        case .smsInbound: "sms-inbound.secret"
        }
    }
}
