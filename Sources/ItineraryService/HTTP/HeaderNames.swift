import HTTPTypes

/// Header names the service reads or sets that HTTPTypes does not predefine.
extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let secFetchSite = Self("Sec-Fetch-Site")!
    /// Set by a reverse proxy: the addresses a request was forwarded for (``TrustedProxies``).
    static let xForwardedFor = Self("X-Forwarded-For")!
    /// The signed inbound SMS callback's headers (``GatewaySignature``).
    static let xTimestamp = Self("X-Timestamp")!
    static let xNonce = Self("X-Nonce")!
    static let xSignature = Self("X-Signature")!
    /// Sent with OAuth token answers beside `Cache-Control: no-store` (RFC 6749 §5.1).
    static let pragma = Self("Pragma")!
}
