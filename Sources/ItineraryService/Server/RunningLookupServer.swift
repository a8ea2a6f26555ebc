import ServiceLifecycle

/// A server started with ``LookupServer/start()``.
public struct RunningLookupServer: Sendable {
    /// The bound TCP port (useful when the configuration asked for port 0).
    public let port: Int
    /// The metrics listener's port, when one was configured.
    public let metricsPort: Int?
    let group: ServiceGroup
    let task: Task<Void, any Error>

    /// Shuts the server and its background services down gracefully, and waits for them.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
