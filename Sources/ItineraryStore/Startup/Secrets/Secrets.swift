import Foundation

/// Secrets kept outside the database (README, Privacy): from the environment when set
/// (``ItinerarySettings``), else generated on first use into the state directory, readable by
/// its owner only.
public enum Secrets {
    /// The HMAC secret phone keys are derived with (`ITINERARY_PHONE_KEY_SECRET`).
    public static func phoneKeySecret(stateDirectory: URL, settings: ItinerarySettings = .process) throws -> [UInt8] {
        try secret(.phoneKey, stateDirectory: stateDirectory, settings: settings)
    }

    /// The phone-key secret of an existing store, for a command that runs beside it without a
    /// database (`split`): `ITINERARY_PHONE_KEY_SECRET`, else `file`, else the state directory's;
    /// never generated, since keys under a new secret would match no store.
    public static func existingPhoneKeySecret(
        stateDirectory: URL, file: URL? = nil, settings: ItinerarySettings = .process
    ) throws -> [UInt8] {
        if let value = settings.secret(.phoneKey), value.count >= 16 { return value }
        let path = file ?? stateDirectory.appendingPathComponent(SecretName.phoneKey.fileName)
        guard let bytes = FileManager.default.contents(atPath: path.path), bytes.count >= 16 else {
            throw MissingPhoneKeySecret(path: path.path)
        }
        return Array(bytes)
    }

    /// The secret `name`, of at least 16 bytes: its variable, or `<state>/<its file>`, 32 random
    /// bytes created (mode 0600) if missing.
    public static func secret(
        _ name: SecretName, stateDirectory: URL, settings: ItinerarySettings = .process
    ) throws -> [UInt8] {
        if let value = settings.secret(name), value.count >= 16 { return value }
        return try SecretFile.loadOrCreate(
            at: stateDirectory.appendingPathComponent(name.fileName).path,
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
