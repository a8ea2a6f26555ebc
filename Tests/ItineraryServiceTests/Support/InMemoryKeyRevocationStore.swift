import Synchronization

@testable import ItineraryService

/// ``KeyRevocationStore`` in memory; a test withdraws keys with ``revoke(_:at:)``.
final class InMemoryKeyRevocationStore: KeyRevocationStore {
    private let revocations = Mutex<[KeyRevocation]>([])

    func revokedKeys() async throws -> [KeyRevocation] {
        revocations.withLock { $0.sorted { ($0.revokedAt, $0.keyID) < ($1.revokedAt, $1.keyID) } }
    }

    /// Withdraws `keyID` at `time`; the first record stands.
    func revoke(_ keyID: String, at time: Int64, reason: String = "test") {
        revocations.withLock { revocations in
            guard !revocations.contains(where: { $0.keyID == keyID }) else { return }
            revocations.append(KeyRevocation(keyID: keyID, revokedAt: time, reason: reason))
        }
    }
}
