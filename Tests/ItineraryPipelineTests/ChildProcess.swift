import Foundation
import Testing

/// The built `itinerary` binary run as a child, with its exit status, its standard error and
/// its peak resident memory (from `wait4`, for that child alone).
final class ChildProcess {
    let pid: pid_t
    let stderrURL: URL
    private(set) var status: Int32?
    private(set) var peakMemoryBytes = 0

    private init(pid: pid_t, stderrURL: URL) {
        self.pid = pid
        self.stderrURL = stderrURL
    }

    /// Starts `itinerary ARGUMENTS` with standard output discarded.
    static func start(_ arguments: [String]) throws -> ChildProcess {
        let stderrURL = FileManager.default.temporaryDirectory.appendingPathComponent(
            "child-\(UUID().uuidString).stderr")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderrURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([PipelineHarness.executable.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, PipelineHarness.executable.path, &actions, nil, argv, environ)
        guard code == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "posix_spawn: \(code)"])
        }
        return ChildProcess(pid: pid, stderrURL: stderrURL)
    }

    /// Runs `itinerary ARGUMENTS` to its end.
    static func run(_ arguments: [String]) throws -> ChildProcess {
        let child = try start(arguments)
        _ = child.wait(timeout: 600)
        return child
    }

    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Waits for the child to exit; kills it after `timeout` seconds. Returns its exit status
    /// (128 + the signal if a signal ended it).
    @discardableResult
    func wait(timeout: Double) -> Int32 {
        if let status { return status }
        let deadline = Date().addingTimeInterval(timeout)
        var raw: Int32 = 0
        var usage = rusage()
        while wait4(pid, &raw, WNOHANG, &usage) == 0 {
            if Date() > deadline {
                Issue.record("child \(pid) still running after \(timeout) s: killed")
                kill(pid, SIGKILL)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        peakMemoryBytes = Int(usage.ru_maxrss) * 1024
        let signal = raw & 0x7F
        status = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
        return status!
    }

    /// Waits until the child's standard error holds `text`.
    func waitForStderr(containing text: String, timeout: Double) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !stderr.contains(text) {
            guard Date() < deadline else {
                Issue.record("no '\(text)' in the child's stderr after \(timeout) s: \(stderr)")
                return
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    deinit {
        if status == nil {
            kill(pid, SIGKILL)
            var raw: Int32 = 0
            waitpid(pid, &raw, 0)
        }
        try? FileManager.default.removeItem(at: stderrURL)
    }
}
