/// The withdrawn attestation signing keys (SQL/0008), re-read by ``AttestationKeyRing``.
protocol KeyRevocationStore: Sendable {
    /// Every withdrawn key, oldest first.
    func revokedKeys() async throws -> [KeyRevocation]
}
