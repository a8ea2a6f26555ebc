import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs PostgreSQL's command-line tools, as another account (via `runuser`) when asked.
///
/// Uses `posix_spawn` rather than Foundation's `Process`: on Linux, `Process` learns that a child
/// exited from a socket the child inherits, and the postmaster that `pg_ctl start` leaves running
/// inherits it too, so `waitUntilExit()` would hang for the server's lifetime
/// (swift-corelibs-foundation issue #4795). Here the child gets only stdin/stdout/stderr.
struct CommandRunner: Sendable {
    /// The account to run as, or nil for the current one.
    let user: String?

    struct Outcome {
        let status: Int32
        let output: String
    }

    /// Runs `executable` in `directory` and returns its exit status and combined stdout/stderr.
    func run(_ executable: String, _ arguments: [String], in directory: URL) throws -> Outcome {
        var argv = [executable] + arguments
        if let user {
            guard let runuser = Self.runuserPath else {
                throw EmbeddedPostgresError(
                    "running as root needs `runuser` (util-linux) to start PostgreSQL as '\(user)'")
            }
            argv = [runuser, "-u", user, "--"] + argv
        }
        let outputPath = NSTemporaryDirectory() + "/itinerary-command-\(UUID().uuidString).log"
        defer { unlink(outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        SpawnExtensions.closeFrom(3, in: &actions)
        // A directory the target account can enter: tools complain when the inherited one is private.
        SpawnExtensions.changeDirectory(to: directory.path, in: &actions)

        var pid: pid_t = 0
        let spawnError = Self.withCStringArray(argv) { argv in
            posix_spawn(&pid, argv[0]!, &actions, nil, argv, environ)
        }
        guard spawnError == 0 else {
            throw EmbeddedPostgresError("cannot run \(argv[0]): \(String(cString: strerror(spawnError)))")
        }
        var waitStatus: Int32 = 0
        while waitpid(pid, &waitStatus, 0) < 0 {
            guard errno == EINTR else {
                throw EmbeddedPostgresError("waiting for \(argv[0]) failed: \(String(cString: strerror(errno)))")
            }
        }
        // WIFEXITED/WEXITSTATUS are macros Swift cannot import; a signal death reports 128+signal.
        let signal = waitStatus & 0x7F
        let status = signal == 0 ? (waitStatus >> 8) & 0xFF : 128 + signal
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Outcome(status: status, output: output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Runs `executable` and throws, with its output, unless it exits with status 0.
    @discardableResult
    func runChecked(_ executable: String, _ arguments: [String], in directory: URL) throws -> String {
        let outcome = try run(executable, arguments, in: directory)
        guard outcome.status == 0 else {
            let name = URL(fileURLWithPath: executable).lastPathComponent
            throw EmbeddedPostgresError("\(name) failed with status \(outcome.status):\n\(outcome.output)")
        }
        return outcome.output
    }

    private static let runuserPath: String? = [
        "/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser",
    ]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Passes a NULL-terminated `char *const argv[]` to `body`.
    private static func withCStringArray<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
