import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension RawSocket {
    /// Reads whatever has arrived, without waiting: the bytes, and whether the server has closed
    /// the connection (end of stream or reset) after them.
    func drain() -> (bytes: [UInt8], closed: Bool) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 {
                bytes.append(contentsOf: buffer[..<count])
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
                return (bytes, true)
            } else {
                return (bytes, false)
            }
        }
    }

    /// Sends `text`, reporting instead of throwing when the server has already closed the connection.
    @discardableResult
    func trySend(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return Glibc.send(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count
    }

    /// The client hangs up: its end of the stream goes out now, whatever it was sending.
    func hangUp() {
        shutdown(descriptor, Int32(SHUT_RDWR))
    }
}

/// This process's resident memory, in bytes (`VmRSS` of /proc/self/status).
enum ResidentMemory {
    static var bytes: Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }
}
