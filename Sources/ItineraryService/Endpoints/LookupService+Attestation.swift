import Hummingbird
import ItineraryCore

/// `POST /v1/attestation/verify {"attestation"}`, `GET /v1/attestation/key` and `GET /v1/attestation/keys`.
extension LookupService {
    struct VerifyRequest: Decodable {
        var attestation: String?
    }

    /// Answers 200 `{"valid":true|false,"reason":"…","payload":{…}|null}` (reasons:
    /// ``AttestationVerdict/reason``). The payload only of an authentic, in-date card (valid or
    /// gray): a refused one's claims are not repeated.
    func verifyAttestation(_ request: Request, context: LookupRequestContext) async throws -> Response {
        let body = try await request.decode(as: VerifyRequest.self, context: context)
        guard let attestation = body.attestation else { throw APIError.invalidRequest("attestation is required") }
        let verdict = try await currentKeys().verifier.verify(attestation, now: clock.now())
        var writer = JSONWriter()
        writer.beginObject()
        writer.bool("valid", verdict.isValid)
        writer.string("reason", verdict.reason)
        if let payload = verdict.shownPayload {
            payload.writeJSON(into: &writer, key: "payload")
        } else {
            writer.raw("payload", "null")
        }
        writer.endObject()
        return Responses.json(writer.text, private: false)
    }

    /// The public key venue terminals verify with: `{"alg":"Ed25519","kid":"…","public_key":"<base64url>"}`
    /// (503 `signing_key_revoked` once it is withdrawn).
    func attestationKey() async throws -> Response {
        guard try await !currentKeys().signerRevoked else { throw APIError.signingKeyRevoked }
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("alg", "Ed25519")
        writer.string("kid", keys.signer.keyID)
        writer.string("public_key", Base64URL.encode(keys.signer.publicKey))
        writer.endObject()
        return Responses.json(writer.text, private: false)
    }

    /// Every key attestations and card codes verify with now — the signer's and the retired
    /// ones still published in the state directory, less the withdrawn — the withdrawn ids, and
    /// the limits every checker applies, for terminals to fetch when they load and every few
    /// seconds while open:
    /// `{"keys":[{"alg":"Ed25519","kid":"…","public_key":"<base64url>","current":true|false}],
    ///   "revoked":[{"kid":"…","revoked_at":"…"}],"clock_skew":30,"max_lifetime":{"code":180,"attestation":600}}`.
    func attestationKeys() async throws -> Response {
        let snapshot = try await currentKeys()
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginArray("keys")
        for key in snapshot.verifier.keys {
            writer.beginObject()
            writer.string("alg", "Ed25519")
            writer.string("kid", key.id)
            writer.string("public_key", Base64URL.encode(key.publicKey))
            writer.bool("current", key.id == keys.signer.keyID)
            writer.endObject()
        }
        writer.endArray()
        writer.beginArray("revoked")
        for revocation in snapshot.revocations {
            writer.beginObject()
            writer.string("kid", revocation.keyID)
            writer.string("revoked_at", UTCTimestamp.format(revocation.revokedAt))
            writer.endObject()
        }
        writer.endArray()
        writer.int("clock_skew", snapshot.verifier.clockSkew.inWholeSeconds)
        writer.beginObject("max_lifetime")
        writer.int("code", snapshot.verifier.maxCodeLifetime.inWholeSeconds)
        writer.int("attestation", snapshot.verifier.maxAttestationLifetime.inWholeSeconds)
        writer.endObject()
        writer.endObject()
        return Responses.json(writer.text, private: false)
    }
}
