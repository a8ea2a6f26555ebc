import ArgumentParser
import Foundation

/// `--workers N`: threads that parse and apply feed files; the output is the same for any N.
struct WorkerOptions: ParsableArguments {
    @Option(help: "Threads that parse and apply feed files: one per active core unless given.")
    var workers = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard workers > 0 else { throw ValidationError("--workers must be positive") }
    }
}
