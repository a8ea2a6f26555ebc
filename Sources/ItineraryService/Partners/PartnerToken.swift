/// A partner's access token, verified without the database: `pt1.` + base64url of
/// `client id NUL secret tag NUL scopes NUL issued-at NUL expires-at` + `.` + base64url of its HMAC-SHA-256
/// under the server secret (``SecretHasher``: `lookup-secret.key`, which instances on one store
/// share as they share code hashes). Short-lived (``ServiceConfiguration/partnerTokenLifetime``).
/// The secret tag names the client secret it was issued for, so `partners rotate` ends the old
/// secret's tokens; revocation and rotation are checked against ``PartnerDirectory`` on every request.
struct PartnerToken: Sendable, Hashable {
    var clientID: String
    /// The first 8 bytes of the partner's secret hash, in hex.
    var secretTag: String
    /// What the token was asked for; the partner's scopes now may be fewer (``scopes(of:)``).
    var scopes: Set<PartnerScope>
    var issuedAt: Int64
    var expiresAt: Int64

    private static let prefix = "pt1."

    init(partner: Partner, scopes: Set<PartnerScope>, issuedAt: Int64, lifetime: Int64) {
        self.init(
            clientID: partner.clientID, secretTag: Self.tag(partner), scopes: scopes, issuedAt: issuedAt,
            expiresAt: issuedAt + lifetime)
    }

    private init(clientID: String, secretTag: String, scopes: Set<PartnerScope>, issuedAt: Int64, expiresAt: Int64) {
        self.clientID = clientID
        self.secretTag = secretTag
        self.scopes = scopes
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    /// The token `text` stands for, if its signature is right and it has not expired at `now`.
    init?(verifying text: String, hasher: SecretHasher, now: Int64) {
        guard text.utf8.count <= 512, text.hasPrefix(Self.prefix) else { return nil }
        let parts = text.dropFirst(Self.prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Base64URL.decode(parts[0]), let mac = Base64URL.decode(parts[1]),
            ConstantTime.equal(mac, hasher.partnerTokenMAC(payload))
        else { return nil }
        let fields = payload.split(separator: 0, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        guard fields.count == 5, let issued = Int64(fields[3]), let expires = Int64(fields[4]), now < expires else {
            return nil
        }
        let scopes = Set(fields[2].split(separator: " ").compactMap { PartnerScope(rawValue: String($0)) })
        self.init(clientID: fields[0], secretTag: fields[1], scopes: scopes, issuedAt: issued, expiresAt: expires)
    }

    /// The token's text, signed with `hasher`.
    func signed(with hasher: SecretHasher) -> String {
        let payload = Array(
            "\(clientID)\u{0}\(secretTag)\u{0}\(PartnerScope.text(scopes))\u{0}\(issuedAt)\u{0}\(expiresAt)".utf8)
        return Self.prefix + Base64URL.encode(payload) + "." + Base64URL.encode(hasher.partnerTokenMAC(payload))
    }

    /// Whether the token was issued to `partner` with its current secret, and it is not revoked.
    func admits(_ partner: Partner) -> Bool {
        partner.revokedAt == nil && partner.clientID == clientID
            && ConstantTime.equal(Array(secretTag.utf8), Array(Self.tag(partner).utf8))
    }

    /// What the token lets `partner` do now: what it was asked for, within the partner's scopes.
    func scopes(of partner: Partner) -> Set<PartnerScope> { scopes.intersection(partner.scopes) }

    private static func tag(_ partner: Partner) -> String { Hex.encode(Array(partner.secretHash.prefix(8))) }
}
