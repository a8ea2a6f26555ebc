import ItineraryCore
import Synchronization

/// Tokens this process has already checked against the store, with the phone they open, so a
/// card re-read costs no database round trip for the token. Entries die with the token; the
/// cache is bounded and simply emptied of expired entries (or all) when full.
final class TokenCache: Sendable {
    struct Entry: Sendable {
        var record: TokenRecord
        var phone: Phone
        var phoneKey: PhoneKey
    }

    private let entries = Mutex<[[UInt8]: Entry]>([:])
    private let capacity: Int

    init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    func entry(tokenHash: [UInt8]) -> Entry? {
        entries.withLock { $0[tokenHash] }
    }

    func insert(_ entry: Entry, tokenHash: [UInt8], now: Int64) {
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { $0.value.record.expiresAt > now }
                if entries.count >= capacity { entries.removeAll() }
            }
            entries[tokenHash] = entry
        }
    }
}
