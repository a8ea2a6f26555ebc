import ArgumentParser
import Foundation

/// `--workers N`: threads that parse and apply feed files; the output is the same for any N.
struct WorkerOptions: ParsableArguments {
    @Option(help: "Threads that parse and apply feed files (default: the machine's active cores).")
    var workers = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard workers > 0 else { throw ValidationError("--workers must be positive") }
    }
}
