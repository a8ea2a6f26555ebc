import Foundation
import ItineraryStore

/// Everything the lookup service needs besides the database, the card source and the clock.
public struct ServiceConfiguration: Sendable {
    /// Address and port to bind; port 0 picks a free one (``LookupServer/start()`` reports it).
    public var host: String = "127.0.0.1"
    public var port: Int = 8080

    /// Where keys live: `lookup-secret.key` (32 random bytes keying the code and token hashes),
    /// `outbox.key` (32 random bytes sealing queued SMS) and `attestation-ed25519.key` (+ `.pub`),
    /// created with mode 0600 on first start.
    public var stateDirectory: String

    /// Keys phone numbers for the store; must match the pipeline's.
    public var phoneKeyer: PhoneKeyer

    /// Overrides `lookup-secret.key` (at least 16 bytes) when set.
    public var serverSecret: [UInt8]?
    /// Overrides `outbox.key` (exactly 32 bytes) when set.
    public var outboxKey: [UInt8]?
    /// Overrides `attestation-ed25519.key` when set.
    public var attestationSigner: AttestationSigner?

    /// The card window shown (the rules' `W`, in days).
    public var windowDays: Int = 14
    public var otp = OTPPolicy()
    /// Per client address, per minute: code requests, code verifications, card re-reads; code
    /// requests per network.
    public var clientLimits = ClientLimits()
    // Every interval here is a `Duration`; the service clock counts whole seconds (Int64), so
    // they become seconds only where a time on that clock is computed or shown.

    /// How long an access token lets its client re-read the card (whole seconds count).
    public var tokenLifetime: Duration = .seconds(600)
    /// How long an attestation stays valid after it is issued; the service's checkers refuse
    /// any claiming a longer one.
    public var attestationLifetime: Duration = AttestationVerifier.defaultAttestationLifetime
    /// How long the QR code on the card page (a ``CardCode``) stays valid; the page fetches a
    /// new one before then, so a screenshot stops verifying soon. The service's checkers refuse
    /// any code claiming a longer one.
    public var cardCodeLifetime: Duration = AttestationVerifier.defaultCodeLifetime
    /// How often the signing keys are re-read (the `.pub` files of the state directory and the
    /// store's revocations, ``KeyRevocations``): the longest a withdrawn key stays trusted.
    public var keyRefreshInterval: Duration = .seconds(2)

    /// Whether a lagging data time makes cards stale (``CardClock``).
    public var cardClock: CardClock = .wall
    /// The longest the store's data time may lag the wall clock before cards are stale
    /// (gray, no green code): 6 hours (docs/card-states.md says why).
    public var maxDataLag: Duration = ServiceConfiguration.defaultMaxDataLag
    public static let defaultMaxDataLag: Duration = .seconds(6 * 3600)
    /// How long (on the service clock) a presented card — its body and attestation, which say
    /// when they were generated — is shown again while the card source reports no change; at
    /// most half the attestation lifetime. Zero: every card is computed afresh.
    public var cardReuse: Duration = ServiceConfiguration.defaultCardReuse
    public static let defaultCardReuse: Duration = .seconds(60)
    /// How often the card source is asked whether its cards changed (new data, risk or contact
    /// list): the longest a reused card can lag a commit.
    public var cardChangeCheckInterval: Duration = .milliseconds(250)
    /// A connection without a complete request head for this long — silent, half-sent, or idle
    /// between requests — is closed (Hummingbird's idle timeout; bytes that do not finish a
    /// head do not restart it).
    public var idleTimeout: Duration = .seconds(30)
    /// Most connections open at once; `nil`: the open-file limit (raised to its hard limit at
    /// start) less 256 kept for the database, files and the outbox. At the cap Hummingbird stops
    /// accepting; from 90 % of it each new connection closes the oldest one still waiting for its
    /// request head, so silent connections cannot lock real clients out.
    public var maxConnections: Int?
    /// The longest a request's body may take to arrive in full, from its head: then 408
    /// `request_timeout` and the connection closes. The idle timeout alone would let a body
    /// trickled in a byte at a time hold its connection for ever.
    public var requestBodyTimeout: Duration = .seconds(10)

    /// Where `/metrics` is served, on a listener of its own (never the public port); `nil`
    /// (the default): not served. Port 0 picks a free one (``RunningLookupServer/metricsPort``).
    public var metricsPort: Int?
    /// The metrics listener's address: loopback unless asked.
    public var metricsHost: String = "127.0.0.1"

    /// How SMS leave the outbox.
    public var smsGateway: SMSGatewayChoice = .console(mirrorPath: nil)
    /// Shared secret of the SMS gateway: inbound callbacks must carry `X-Timestamp`, `X-Nonce` and
    /// `X-Signature` (see `GatewaySignature`). Inbound SMS are refused while `nil`.
    public var inboundSecret: [UInt8]?
    /// The keyword a phone texts to get its card (matched trimmed, case-insensitively).
    public var inboundKeyword: String = "CXMYD"
    /// The keyword (optionally followed by a partner's name) a phone texts to withdraw its
    /// standing consents to lookup services (docs/partner-api.md), matched case-insensitively.
    public var withdrawKeyword: String = "QXSQ"
    /// How long a partner's access token (`POST /v1/oauth/token`) is valid.
    public var partnerTokenLifetime: Duration = .seconds(300)
    /// How often the partners are re-read from the store: the longest a revoked partner or a
    /// rotated secret's tokens are still let in.
    public var partnerRefreshInterval: Duration = .seconds(2)
    /// Card replies per phone per minute.
    public var inboundRepliesPerMinute: Int = 2
    /// SMS (codes and card replies) the whole service may queue per minute, all phones
    /// together, counted in PostgreSQL; past it requests get 429 `sms_budget_exhausted`.
    public var smsPerMinute: Int = ServiceConfiguration.defaultSMSPerMinute
    public static let defaultSMSPerMinute = 600
    /// Code requests one network may make per minute before its addresses get 429
    /// `rate_limited`: ``ClientLimits/codeRequestsPerNetwork``, by default a tenth of
    /// ``smsPerMinute`` (at least 1), so no single network spends the whole budget.
    public var codeRequestsPerNetworkPerMinute: Int { clientLimits.codeRequestsPerNetwork ?? max(1, smsPerMinute / 10) }

    /// Reverse proxies whose `X-Forwarded-For` names the client (``TrustedProxies``); from any
    /// other peer the header is ignored. None by default: the client is the socket's peer.
    public var trustedProxies = TrustedProxies()

    /// Connections to PostgreSQL, each driven from its own thread.
    public var databasePoolSize: Int = 4
    /// The longest a request waits on the database before answering 503.
    public var databaseDeadline: Duration = .seconds(3)
    /// Server-side `statement_timeout` (and `lock_timeout`) of the pool's sessions.
    public var statementTimeout: Duration = .seconds(5)

    /// How often the outbox is polled for due messages.
    public var outboxPollInterval: Duration = .milliseconds(250)
    /// Tries before a message is given up (its number erased).
    public var outboxMaxAttempts: Int = 8

    public init(stateDirectory: String, phoneKeyer: PhoneKeyer) {
        self.stateDirectory = stateDirectory
        self.phoneKeyer = phoneKeyer
    }
}
