import Foundation
import Synchronization

/// The default gateway: prints `SMS to 138****8000: <text>` to standard output (and optionally
/// appends the same line to a file), so someone trying the service can read the code. It never
/// prints the full number.
public struct ConsoleSMSGateway: SMSGateway {
    private let mirrorPath: String?
    private static let lock = Mutex(())

    /// - Parameter mirrorPath: a file to append every line to as well (used by the browser check).
    public init(mirrorPath: String? = nil) {
        self.mirrorPath = mirrorPath
    }

    public func send(to phone: String, masked: String, body: String, id: Int64) async throws {
        let line = "SMS to \(masked): \(body)\n"
        Self.lock.withLock { _ in
            FileHandle.standardOutput.write(Data(line.utf8))
            if let mirrorPath {
                if let handle = FileHandle(forWritingAtPath: mirrorPath) {
                    handle.seekToEndOfFile()
                    handle.write(Data(line.utf8))
                    try? handle.close()
                } else {
                    _ = FileManager.default.createFile(
                        atPath: mirrorPath, contents: Data(line.utf8), attributes: [.posixPermissions: 0o600])
                }
            }
        }
    }
}
