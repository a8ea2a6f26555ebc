import Foundation
import ItineraryStore

/// Secrets kept outside the database (README, Privacy): from the environment when set, else generated on
/// first use into the state directory, readable by its owner only.
public enum Secrets {
    /// The HMAC secret phone keys are derived with (`ITINERARY_PHONE_KEY_SECRET`).
    public static func phoneKeySecret(
        stateDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> [UInt8] {
        try secret(
            named: "phone-key.secret", variable: "ITINERARY_PHONE_KEY_SECRET", stateDirectory: stateDirectory,
            environment: environment)
    }

    /// The phone-key secret of an existing store, for a command that runs beside it without a
    /// database (`split`): `ITINERARY_PHONE_KEY_SECRET`, else `file`, else the state directory's;
    /// never generated, since keys under a new secret would match no store.
    public static func existingPhoneKeySecret(
        stateDirectory: URL, file: URL? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> [UInt8] {
        if let value = environment["ITINERARY_PHONE_KEY_SECRET"], value.utf8.count >= 16 { return Array(value.utf8) }
        let path = file ?? stateDirectory.appendingPathComponent("phone-key.secret")
        guard let bytes = FileManager.default.contents(atPath: path.path), bytes.count >= 16 else {
            throw MissingPhoneKeySecret(path: path.path)
        }
        return Array(bytes)
    }

    /// A named secret of at least 16 bytes: `variable` from the environment, or `<state>/<file>`,
    /// 32 random bytes created (mode 0600) if missing.
    public static func secret(
        named file: String, variable: String, stateDirectory: URL,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> [UInt8] {
        if let value = environment[variable], value.utf8.count >= 16 { return Array(value.utf8) }
        return try SecretFile.loadOrCreate(
            at: stateDirectory.appendingPathComponent(file).path,
            generate: {
                var generator = SystemRandomNumberGenerator()
                return (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            },
            validate: { $0.count >= 16 })
    }
}

/// A command that must key phones like an existing store found no secret to do it with.
public struct MissingPhoneKeySecret: Error, CustomStringConvertible {
    public var path: String

    public var description: String {
        "no phone-key secret at \(path) (nor ITINERARY_PHONE_KEY_SECRET): give the store's own, so keys match"
    }
}
