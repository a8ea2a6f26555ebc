import ItineraryPipeline

extension StoreOptions {
    /// Opens the workspace (starting the embedded cluster when needed, creating it only when
    /// `create`), runs `body` with it and shuts it down, the blocking parts on a thread of their own.
    func withWorkspace<T>(create: Bool = true, _ body: (Workspace) async throws -> T) async throws -> T {
        let store = self
        let workspace = try await BlockingThread.run { try store.workspace(create: create) }
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
