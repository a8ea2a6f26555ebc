import Synchronization

@testable import ItineraryService

/// ``TokenStore`` in memory: tokens by hash, written when ``InMemoryCodeStore`` accepts a code.
/// Like `lookup_tokens`, an expired token stays readable until purged: expiry is the handler's
/// rule (``TokenRecord/admits(client:now:)``).
final class InMemoryTokenStore: TokenStore {
    private let records = Mutex<[[UInt8]: TokenRecord]>([:])

    func token(hash tokenHash: [UInt8]) async throws -> TokenRecord? {
        records.withLock { $0[tokenHash] }
    }

    /// Stores the token of an accepted code for `phoneKey`.
    func insert(_ token: NewToken, phoneKey: [UInt8]) {
        let record = TokenRecord(
            phoneKey: phoneKey, client: token.client, phoneSealed: token.phoneSealed, expiresAt: token.expiresAt)
        records.withLock { $0[token.tokenHash] = record }
    }

    /// Deletes tokens expired before `before`.
    func purge(expiredBefore before: Int64) {
        records.withLock { $0 = $0.filter { $0.value.expiresAt >= before } }
    }

    var count: Int { records.withLock { $0.count } }
}
