import Hummingbird
import ItineraryCore

/// `POST /v1/attestation/verify {"attestation"}`, `GET /v1/attestation/key` and `GET /v1/attestation/keys`.
extension LookupService {
    struct VerifyRequest: Decodable {
        var attestation: String?
    }

    /// Answers 200 `{"valid":true|false,"reason":"valid|expired|unknown_key|bad_signature|malformed","payload":{…}|null}`.
    func verifyAttestation(_ request: Request, context: LookupRequestContext) async throws -> Response {
        let body = try BodyReader.decode(
            VerifyRequest.self, from: try await BodyReader.bytes(request, limit: configuration.maxBodyBytes))
        guard let attestation = body.attestation else { throw APIError.invalidRequest("attestation is required") }
        let verdict = verifier.verify(attestation, now: clock.now())
        var writer = JSONWriter()
        writer.beginObject()
        writer.bool("valid", verdict.isValid)
        writer.string("reason", verdict.reason)
        switch verdict {
        case .valid(let payload), .expired(let payload):
            payload.writeJSON(into: &writer, key: "payload")
        default:
            writer.raw("payload", "null")
        }
        writer.endObject()
        return Responses.json(writer.text, private: false)
    }

    /// The public key venue terminals verify with: `{"alg":"Ed25519","kid":"…","public_key":"<base64url>"}`.
    func attestationKey() -> Response {
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("alg", "Ed25519")
        writer.string("kid", signer.keyID)
        writer.string("public_key", Base64URL.encode(signer.publicKey))
        writer.endObject()
        return Responses.json(writer.text, private: false)
    }

    /// Every key attestations and card codes verify with — the signer's and the retired ones
    /// still published in the state directory — for terminals to fetch once and cache:
    /// `{"keys":[{"alg":"Ed25519","kid":"…","public_key":"<base64url>","current":true|false}]}`.
    func attestationKeys() -> Response {
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginArray("keys")
        for key in verifier.keys {
            writer.beginObject()
            writer.string("alg", "Ed25519")
            writer.string("kid", key.id)
            writer.string("public_key", Base64URL.encode(key.publicKey))
            writer.bool("current", key.id == signer.keyID)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return Responses.json(writer.text, private: false)
    }
}
