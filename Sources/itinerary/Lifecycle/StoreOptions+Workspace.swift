import ItineraryPipeline

extension StoreOptions {
    /// Opens the workspace (starting the embedded cluster when needed), runs `body` with it and
    /// shuts it down, the blocking parts on a thread of their own.
    func withWorkspace<T>(_ body: (Workspace) async throws -> T) async throws -> T {
        let store = self
        let workspace = try await BlockingThread.run { try store.workspace() }
        let result: Result<T, any Error>
        do {
            result = .success(try await body(workspace))
        } catch {
            result = .failure(error)
        }
        await BlockingThread.run { workspace.shutdown() }
        return try result.get()
    }
}
