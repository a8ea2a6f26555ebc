/// The keys the service signs and verifies with as they stand now: the signer's and every
/// `.pub` published in the state directory, less the keys withdrawn in the store
/// (``KeyRevocations``). Re-read at most once per `refreshInterval` when asked, so a revocation
/// made on any instance, or a `.pub` deleted, takes effect within it, without a restart.
final class AttestationKeyRing: Sendable {
    /// The keys at one refresh.
    struct Snapshot: Sendable {
        var verifier: AttestationVerifier
        var revocations: [KeyRevocation]
        /// The signer's own key is withdrawn: the service must not sign with it.
        var signerRevoked: Bool
    }

    let signer: AttestationSigner
    private let directory: String
    private let lifetimes: (code: Duration, attestation: Duration)
    /// The snapshot taken last; fresh for the refresh interval.
    private let snapshots: RecentValue<Snapshot>
    /// The snapshot before any read of the store.
    private let initial: Snapshot

    /// - Parameters:
    ///   - directory: where the `.pub` files are published.
    ///   - codeLifetime, attestationLifetime: what the service issues, and so the longest it accepts.
    init(
        signer: AttestationSigner, directory: String, refreshInterval: Duration, codeLifetime: Duration,
        attestationLifetime: Duration
    ) {
        self.signer = signer
        self.directory = directory
        lifetimes = (codeLifetime, attestationLifetime)
        // Until the store is first asked, the published keys with no revocation.
        initial = Self.snapshot(
            signer: signer, lifetimes: lifetimes, published: AttestationKeyFiles.published(inDirectory: directory),
            revocations: [])
        snapshots = RecentValue(lifetime: refreshInterval, initial: initial)
    }

    /// The snapshot taken last, without asking the store.
    var last: Snapshot { snapshots.last ?? initial }

    /// The keys now, re-read first when the last read is older than the refresh interval.
    /// `revocationsChanged` is true when this read found a new revocation (cards signed
    /// before it must not be shown again).
    /// - Throws: when the store cannot list the revocations (so nothing is trusted blindly).
    func current(
        revocations read: () async throws -> [KeyRevocation]
    ) async throws -> (snapshot: Snapshot, revocationsChanged: Bool) {
        if let cached = snapshots.fresh { return (cached, false) }
        let revocations = try await read()
        let snapshot = Self.snapshot(
            signer: signer, lifetimes: lifetimes, published: AttestationKeyFiles.published(inDirectory: directory),
            revocations: revocations)
        let previous = snapshots.store(snapshot) ?? initial
        return (snapshot, previous.verifier.revoked != snapshot.verifier.revoked)
    }

    private static func snapshot(
        signer: AttestationSigner, lifetimes: (code: Duration, attestation: Duration),
        published: [(path: String, publicKey: [UInt8])],
        revocations: [KeyRevocation]
    ) -> Snapshot {
        // The signer's key is trusted while it signs (its `.pub` may be gone); retired keys
        // only while their `.pub` is published.
        var keys = [signer.keyID: signer.publicKey]
        for file in published { keys[AttestationKeyID.of(publicKey: file.publicKey)] = file.publicKey }
        let revoked = Set(revocations.map(\.keyID))
        var verifier = AttestationVerifier(checkedKeys: keys, revoked: revoked)
        verifier.maxCodeLifetime = lifetimes.code
        verifier.maxAttestationLifetime = lifetimes.attestation
        return Snapshot(verifier: verifier, revocations: revocations, signerRevoked: revoked.contains(signer.keyID))
    }
}
