import ServiceLifecycle

/// Pauses a background service between rounds of work.
enum GracefulSleep {
    /// Sleeps for `duration`; returns `false` at once if the service should stop instead (a
    /// graceful shutdown or a cancellation, before or during the sleep).
    static func sleep(for duration: Duration) async -> Bool {
        guard !Task.isShuttingDownGracefully, !Task.isCancelled else { return false }
        do {
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
        } catch {
            return false
        }
        return !Task.isShuttingDownGracefully && !Task.isCancelled
    }

    /// Whether a service should start another round of work.
    static var shouldContinue: Bool { !Task.isShuttingDownGracefully && !Task.isCancelled }
}
