import Foundation

/// Loads a secret from a file in the state directory, creating it with random bytes and
/// owner-only permissions (0600) the first time. Used for every secret kept outside the database:
/// the phone-key HMAC secret, the lookup service's keys, the SMS gateway secrets.
public enum SecretFile {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads `path`, or writes `generate()` to it (mode 0600) when it does not exist.
    /// Refuses a file readable by group or others.
    public static func loadOrCreate(
        at path: String, generate: () -> [UInt8], validate: ([UInt8]) -> Bool
    ) throws -> [UInt8] {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            let attributes = try manager.attributesOfItem(atPath: path)
            if let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
                throw Failure(
                    description: "\(path) is accessible by other users (mode \(String(mode, radix: 8))); chmod 600 it")
            }
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            guard validate(bytes) else { throw Failure(description: "\(path) does not hold a valid key") }
            return bytes
        }
        let directory = (path as NSString).deletingLastPathComponent
        try manager.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let bytes = generate()
        // Create with 0600 from the start (no window where the key is world-readable), exclusively.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { return try loadOrCreate(at: path, generate: generate, validate: validate) }
            throw Failure(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        return bytes
    }
}
