import ArgumentParser
import ItineraryPipeline

/// Exit statuses scripts can tell apart (docs/operations.md, "Exit statuses"); 1 is any other error and 64
/// a usage error, as swift-argument-parser gives them.
enum ExitStatus {
    /// The run finished, but some feed files were refused whole (moved to `failed/`): `cards`,
    /// `ingest`, `split`, `stream --once`.
    static let filesRefused = ExitCode(3)
    /// Another process holds the store's writer lock.
    static let storeBusy = ExitCode(4)
    /// `card`: the store holds no data for the phone.
    static let noData = ExitCode(5)

    /// Runs a store command, turning a held writer lock into `storeBusy` with its message.
    static func mapWriterLock<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as WriterLockError {
            printError("error: \(error)")
            throw storeBusy
        }
    }
}
