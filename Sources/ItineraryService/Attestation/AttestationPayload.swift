import ItineraryCore

/// The signed content of an attestation: what a venue terminal needs to check a card offline.
///
/// Serialised as compact JSON with keys in this order (times are Unix seconds):
/// `{"v":1,"kid":"…","phone":"138****8000","color":"green","status":"current","window_days":14,
///   "places":[{"code":"330100","starred":true,"first_seen":…,"last_seen":…}],
///   "watermark":…|null,"iat":…,"exp":…}`
public struct AttestationPayload: Sendable, Hashable, Decodable {
    /// One place as attested.
    public struct Place: Sendable, Hashable, Decodable {
        public var code: String
        public var starred: Bool
        /// `nil` in a ``CardCode``, which does not carry place times.
        public var firstSeen: Int64?
        public var lastSeen: Int64?

        public init(code: String, starred: Bool, firstSeen: Int64?, lastSeen: Int64?) {
            self.code = code
            self.starred = starred
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
        }

        enum CodingKeys: String, CodingKey {
            case code, starred
            case firstSeen = "first_seen"
            case lastSeen = "last_seen"
        }
    }

    /// Format version, 1.
    public var version: Int
    /// The signing key's id (``AttestationSigner/keyID``).
    public var keyID: String
    /// The masked number, `138****8000`.
    public var phone: String
    /// `green`, `yellow`, `orange`, or `gray` for a card that is not ``CardStatus/current``.
    public var color: String
    /// The ``CardStatus`` raw value: `current`, `no_data` or `stale`.
    public var status: String
    public var windowDays: Int
    public var places: [Place]
    public var watermark: Int64?
    /// Issued at.
    public var issuedAt: Int64
    /// Not valid at or after this time.
    public var expiresAt: Int64

    public init(
        keyID: String, phone: String, color: String, status: String = CardStatus.current.rawValue, windowDays: Int,
        places: [Place], watermark: Int64?, issuedAt: Int64, expiresAt: Int64
    ) {
        self.version = 1
        self.keyID = keyID
        self.phone = phone
        self.color = color
        self.status = status
        self.windowDays = windowDays
        self.places = places
        self.watermark = watermark
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case version = "v"
        case keyID = "kid"
        case phone, color, status
        case windowDays = "window_days"
        case places, watermark
        case issuedAt = "iat"
        case expiresAt = "exp"
    }

    /// The canonical JSON that gets signed.
    public var json: String {
        var writer = JSONWriter()
        writeJSON(into: &writer, key: nil)
        return writer.text
    }

    func writeJSON(into writer: inout JSONWriter, key: String?) {
        writer.beginObject(key)
        writer.int("v", Int64(version))
        writer.string("kid", keyID)
        writer.string("phone", phone)
        writer.string("color", color)
        writer.string("status", status)
        writer.int("window_days", Int64(windowDays))
        writer.beginArray("places")
        for place in places {
            CardPlace.writeAttested(
                into: &writer, code: place.code, starred: place.starred, firstSeen: place.firstSeen,
                lastSeen: place.lastSeen)
        }
        writer.endArray()
        writer.int("watermark", watermark)
        writer.int("iat", issuedAt)
        writer.int("exp", expiresAt)
        writer.endObject()
    }
}
