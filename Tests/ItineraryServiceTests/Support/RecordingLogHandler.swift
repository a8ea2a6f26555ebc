import Logging
import Synchronization

/// Keeps what a server logs, for tests that check what an event is logged as.
final class LogRecorder: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
    }

    private let entries = Mutex<[Entry]>([])

    /// A logger writing here, at `debug` and above.
    func logger(label: String) -> Logger {
        var logger = Logger(label: label) { _ in Handler(recorder: self) }
        logger.logLevel = .debug
        return logger
    }

    var all: [Entry] { entries.withLock { $0 } }

    /// Entries at `level` or more severe.
    func entries(atLeast level: Logger.Level) -> [Entry] { all.filter { $0.level >= level } }

    fileprivate func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.append(Entry(level: event.level, message: "\(event.message) \(event.metadata ?? [:])"))
        }
    }
}
