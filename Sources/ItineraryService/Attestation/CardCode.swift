import ItineraryCore

/// The compact attestation a card's QR code carries, for venue terminals:
/// `ITC1.<base64url payload>.<base64url signature>`, the Ed25519 signature covering the ASCII of
/// `ITC1.<base64url payload>` (the prefix keeps it from ever passing as a JSON attestation).
///
/// The payload is binary, big-endian, so a card of three places is about 140 characters, a
/// version 8 QR code at error correction level M; JSON would need version 11 or more:
///
/// | bytes | field |
/// |---|---|
/// | 0 | format, 1 |
/// | 1–8 | key id: the first 8 bytes of SHA-256(raw public key) (``AttestationKeyID``) |
/// | 9–10, 11–12 | the masked number's first 3 and last 4 digits (`138****8000`) |
/// | 13 | card state: 0 green, 1 yellow, 2 orange (all `current`), 3 gray `no_data`, 4 gray `stale` |
/// | 14 | window in days |
/// | 15–18 | data time (watermark), `0xFFFFFFFF` when there is none |
/// | 19–22, 23–26 | issued at, expires at (Unix seconds) |
/// | 27… | 3 bytes a place, in card order: the ``PlaceCode`` raw value (20 bits), `0x800000` when starred |
///
/// Place times are not carried (a venue checks places, not hours): they decode as `nil`.
enum CardCode {
    static let prefix = "ITC1."
    static let version: UInt8 = 1
    /// Byte 13's values: (colour, status) pairs; any other pair has no code.
    private static let states: [(color: String, status: String)] =
        CardColor.allCases.map { ($0.rawValue, CardStatus.current.rawValue) } + [
            ("gray", CardStatus.noData.rawValue), ("gray", CardStatus.stale.rawValue),
        ]
    private static let headerLength = 27
    private static let noWatermark = UInt32.max
    private static let starred: UInt32 = 0x80_0000

    /// The binary payload, `nil` when `payload` cannot be represented (a number not masked as
    /// `ddd****dddd`, an unknown colour, status or place code, a time past 2106).
    static func encode(_ payload: AttestationPayload) -> [UInt8]? {
        guard let keyID = Base64URL.decode(payload.keyID), keyID.count == 8,
            let phone = maskedDigits(payload.phone),
            let state = states.firstIndex(where: { $0 == (payload.color, payload.status) }),
            let windowDays = UInt8(exactly: payload.windowDays),
            let issuedAt = UInt32(exactly: payload.issuedAt), let expiresAt = UInt32(exactly: payload.expiresAt)
        else { return nil }
        let watermark: UInt32
        if let value = payload.watermark {
            guard let exact = UInt32(exactly: value), exact != noWatermark else { return nil }
            watermark = exact
        } else {
            watermark = noWatermark
        }
        var bytes: [UInt8] = [version] + keyID
        append(UInt32(phone.head), bytes: 2, to: &bytes)
        append(UInt32(phone.tail), bytes: 2, to: &bytes)
        bytes += [UInt8(state), windowDays]
        for value in [watermark, issuedAt, expiresAt] { append(value, bytes: 4, to: &bytes) }
        for place in payload.places {
            guard let code = PlaceCode(place.code) else { return nil }
            append(code.rawValue | (place.starred ? starred : 0), bytes: 3, to: &bytes)
        }
        return bytes
    }

    /// The payload of `bytes`, `nil` unless well formed.
    static func decode(_ bytes: [UInt8]) -> AttestationPayload? {
        guard bytes.count >= headerLength, (bytes.count - headerLength) % 3 == 0, bytes[0] == version,
            bytes[13] < states.count
        else { return nil }
        let head = read(bytes, at: 9, count: 2), tail = read(bytes, at: 11, count: 2)
        guard head >= 100, head <= 999, tail <= 9999 else { return nil }
        let watermark = read(bytes, at: 15, count: 4)
        var places: [AttestationPayload.Place] = []
        for offset in stride(from: headerLength, to: bytes.count, by: 3) {
            let value = read(bytes, at: offset, count: 3)
            let code = PlaceCode(rawValue: value & ~starred)
            // Only codes that read back as themselves: an adcode or two capital letters.
            guard PlaceCode(code.description) == code else { return nil }
            places.append(.init(code: code.description, starred: value & starred != 0, firstSeen: nil, lastSeen: nil))
        }
        var payload = AttestationPayload(
            keyID: Base64URL.encode(bytes[1..<9]), phone: String(head) + "****" + padded(tail),
            color: states[Int(bytes[13])].color, status: states[Int(bytes[13])].status,
            windowDays: Int(bytes[14]), places: places, watermark: watermark == noWatermark ? nil : Int64(watermark),
            issuedAt: Int64(read(bytes, at: 19, count: 4)), expiresAt: Int64(read(bytes, at: 23, count: 4))
        )
        payload.version = Int(version)
        return payload
    }

    private static func maskedDigits(_ masked: String) -> (head: Int, tail: Int)? {
        let characters = Array(masked.utf8)
        guard characters.count == 11, characters[3..<7].allSatisfy({ $0 == UInt8(ascii: "*") }),
            (characters[0..<3] + characters[7..<11]).allSatisfy({ (48...57).contains($0) }), characters[0] != 48
        else { return nil }
        let number = { (digits: ArraySlice<UInt8>) in digits.reduce(0) { $0 * 10 + Int($1 - 48) } }
        return (number(characters[0..<3]), number(characters[7..<11]))
    }

    private static func padded(_ tail: UInt32) -> String {
        let digits = String(tail)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    private static func append(_ value: UInt32, bytes count: Int, to bytes: inout [UInt8]) {
        for index in (0..<count).reversed() { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(8 * index))) }
    }

    private static func read(_ bytes: [UInt8], at offset: Int, count: Int) -> UInt32 {
        bytes[offset..<offset + count].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
