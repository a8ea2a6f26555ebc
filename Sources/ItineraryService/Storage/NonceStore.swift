/// The nonces of signed gateway callbacks (`sms_inbound_nonces`), shared by every instance so a
/// replay is refused wherever it lands.
protocol NonceStore: Sendable {
    /// Records `nonce`; `false` if it was already used (a replay).
    func useNonce(_ nonce: String, expiresAt: Int64) async throws -> Bool
}
