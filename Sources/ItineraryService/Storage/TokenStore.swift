/// Access tokens (`lookup_tokens`), read by the Bearer check of the card routes; a token is
/// written by ``CodeStore/verifyCode(phoneKey:submittedHash:now:policy:token:)``.
protocol TokenStore: Sendable {
    /// The token stored under `tokenHash`, if any.
    func token(hash tokenHash: [UInt8]) async throws -> TokenRecord?
}
