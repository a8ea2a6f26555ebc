import Foundation
import ItineraryTestSupport
import ItineraryTestTags
import Testing

/// `serve` as an operator runs it: a busy port is named, and SIGTERM is a clean stop.
@Suite(.tags(.integration), .serialized) struct ServeLifecycleTests {
    @Test func aBusyPortIsNamedInTheError() throws {
        let (socket, port) = try Self.listeningSocket()
        defer { close(socket) }
        let state = Self.scratchState()
        defer { try? FileManager.default.removeItem(at: state) }
        let database = try SharedTestDatabase.makeScratchDatabase(label: "busyport")
        let serve = try ChildProcess.run([
            "serve", "--database", database, "--state", state.path, "--host", "127.0.0.1", "--port", String(port),
        ])
        #expect(serve.status == 1, "\(serve.stderr)")
        #expect(serve.stderr.contains("127.0.0.1:\(port)"), "\(serve.stderr)")
    }

    @Test func sigtermStopsTheServiceCleanlyWithNothingLoggedAtErrorLevel() throws {
        let state = Self.scratchState()
        defer { try? FileManager.default.removeItem(at: state) }
        let database = try SharedTestDatabase.makeScratchDatabase(label: "sigterm")
        let serve = try ChildProcess.start([
            "serve", "--database", database, "--state", state.path, "--host", "127.0.0.1", "--port", "0",
        ])
        let deadline = Date().addingTimeInterval(120)
        while !serve.stderr.contains("lookup service on http://"), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(serve.stderr.contains("lookup service on http://"), "\(serve.stderr)")
        kill(serve.pid, SIGTERM)
        #expect(serve.wait(timeout: 30) == 0, "\(serve.stderr)")
        let errors = serve.stderr.split(separator: "\n").filter { $0.contains(" error ") || $0.contains(" critical ") }
        #expect(errors.isEmpty, "\(errors)")
        #expect(serve.stderr.hasSuffix("stopped\n"), "\(serve.stderr)")
    }

    static func scratchState() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("serve-state-\(UUID().uuidString.prefix(8))")
    }

    /// A socket listening on a free loopback port, so the port is busy while it is open.
    static func listeningSocket() throws -> (Int32, Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 1) == 0
                    && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw CocoaError(.fileWriteUnknown) }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}
