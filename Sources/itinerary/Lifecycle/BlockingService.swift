import ItineraryPipeline
import ServiceLifecycle

/// A blocking loop run as a service: on a thread of its own, stopped through its `StopSignal`
/// when the group shuts down gracefully or is cancelled (the loop checks it between units of
/// work, so the one in hand finishes).
struct BlockingService: Service {
    let stop: StopSignal
    /// Told once, when the stop is requested (for logging).
    let onStop: @Sendable () -> Void
    let body: @Sendable () throws -> Void

    func run() async throws {
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await BlockingThread.run(body)
        } onCancelOrGracefulShutdown: {
            if stop.request() == 1 { onStop() }
        }
    }
}
