import Foundation

/// The `itinerary` processes using the embedded cluster of a state directory, so that the last
/// one to stop stops it (`serve` and `stream` on the default store, in either order).
///
/// Each process holds a shared ``FileLock`` on `STATE/cluster-users.lock` while it runs; the kernel
/// drops it when the process ends, however it ends (`kill -9` included). A process stopping
/// asks for the lock exclusively, without waiting: it gets it only when no other user is alive,
/// and stops the cluster while holding it, so one starting meanwhile waits for the stop, then
/// starts the cluster again. Only a cluster an `itinerary` process started (marked by
/// `STATE/cluster-started-by-itinerary`) is stopped: one started by hand or by a test is left
/// to whoever started it. If every user is killed, the cluster runs until the next `itinerary`
/// command on that state directory ends.
package final class ClusterUsers: @unchecked Sendable {
    private var lock: FileLock?
    private let marker: URL

    /// Joins the users (waiting while one is stopping the cluster); nil when the state directory
    /// does not exist, as for a read-only command on a missing store.
    package init?(stateDirectory: URL) throws {
        guard FileManager.default.fileExists(atPath: stateDirectory.path) else { return nil }
        lock = try FileLock(path: stateDirectory.appendingPathComponent("cluster-users.lock").path, mode: .shared)
        marker = stateDirectory.appendingPathComponent("cluster-started-by-itinerary")
    }

    /// Records that this process started the cluster, so the last user stops it.
    package func markStarted() {
        FileManager.default.createFile(atPath: marker.path, contents: Data())
    }

    /// Leaves the users; runs `stop` first when this is the last one and an `itinerary` process
    /// started the cluster.
    package func leave(stop: () throws -> Void) throws {
        guard let lock else { return }
        defer { self.lock = nil }
        guard FileManager.default.fileExists(atPath: marker.path), lock.attemptExclusive() else { return }
        try stop()
        try? FileManager.default.removeItem(at: marker)
    }
}
