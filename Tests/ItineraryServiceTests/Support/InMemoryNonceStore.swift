import Synchronization

@testable import ItineraryService

/// ``NonceStore`` in memory: a nonce is used once, until purged after it expires.
final class InMemoryNonceStore: NonceStore {
    private let nonces = Mutex<[String: Int64]>([:])

    func useNonce(_ nonce: String, expiresAt: Int64) async throws -> Bool {
        nonces.withLock { nonces in
            guard nonces[nonce] == nil else { return false }
            nonces[nonce] = expiresAt
            return true
        }
    }

    /// Deletes nonces expired before `now`.
    func purge(now: Int64) {
        nonces.withLock { $0 = $0.filter { $0.value >= now } }
    }
}
