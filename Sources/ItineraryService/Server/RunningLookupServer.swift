/// A server started with ``LookupServer/start()``.
public struct RunningLookupServer: Sendable {
    /// The bound TCP port (useful when the configuration asked for port 0).
    public let port: Int
    let task: Task<Void, any Error>

    /// Stops the server and its background tasks, and waits for them.
    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
