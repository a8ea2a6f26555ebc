import Foundation

/// Secrets kept outside the database (SPEC §5): from the environment when set, else generated on
/// first use into the state directory, readable by its owner only.
public enum Secrets {
    /// The HMAC secret phone keys are derived with (`ITINERARY_PHONE_KEY_SECRET`, hex or text).
    public static func phoneKeySecret(stateDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [UInt8] {
        try secret(named: "phone-key.secret", variable: "ITINERARY_PHONE_KEY_SECRET", stateDirectory: stateDirectory, environment: environment)
    }

    /// A named 32-byte secret: `variable` from the environment, or `<state>/<file>` created if missing.
    public static func secret(named file: String, variable: String, stateDirectory: URL,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [UInt8] {
        if let value = environment[variable], value.utf8.count >= 16 { return Array(value.utf8) }
        let url = stateDirectory.appendingPathComponent(file)
        if let data = FileManager.default.contents(atPath: url.path), data.count >= 16 { return [UInt8](data) }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let created = FileManager.default.createFile(atPath: url.path, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
        guard created else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
        return bytes
    }
}
