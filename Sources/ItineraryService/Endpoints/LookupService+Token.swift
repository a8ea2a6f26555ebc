import ItineraryCore
import ItineraryStore

/// The Bearer token's holder (``BearerTokenMiddleware``).
extension LookupService {
    /// The phone behind `token` (its base64url text), checked against `client` and rate limited
    /// as a card re-read; 401 `invalid_token` otherwise.
    func tokenHolder(token text: String, client: String, now: Int64) async throws -> TokenCache.Entry {
        guard let token = Base64URL.decode(text), token.count == 32 else { throw APIError.invalidToken }
        if case .limited(let retryAfter) = cardReads.hit(client, now: now) {
            throw APIError.rateLimited(retryAfter, "too many requests from this address; retry in \(retryAfter) s")
        }
        let tokenHash = hasher.tokenHash(token)
        let entry: TokenCache.Entry
        if let cached = tokens.entry(tokenHash: tokenHash) {
            entry = cached
        } else {
            guard let record = try await stores.tokens.token(hash: tokenHash),
                let phone = PhoneSealer.open(record.phoneSealed, token: token),
                case let phoneKey = configuration.phoneKeyer.key(for: phone),
                ConstantTime.equal(phoneKey.bytes, record.phoneKey)
            else { throw APIError.invalidToken }
            entry = TokenCache.Entry(record: record, phone: phone, phoneKey: phoneKey)
            tokens.insert(entry, tokenHash: tokenHash, now: now)
        }
        guard entry.record.admits(client: client, now: now) else { throw APIError.invalidToken }
        return entry
    }
}
