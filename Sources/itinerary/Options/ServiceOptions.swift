import ArgumentParser
import Foundation
import ItineraryCore
import ItineraryPipeline
import ItineraryService
import ItineraryStore

/// The SMS gateways `--sms-gateway` names.
enum SMSGatewayKind: String, ExpressibleByArgument, CaseIterable {
    case console, webhook
}

extension CardClock: ExpressibleByArgument {}

/// How the lookup service listens and sends SMS.
struct ServiceOptions: ParsableArguments {
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port).") var port = 8080
    @Option(
        help: ArgumentHelp(
            "Serve Prometheus metrics at /metrics on this port, a listener of its own (default: not served; never on --port).",
            valueName: "port"))
    var metricsPort: Int?
    @Option(help: "Address the metrics listener binds (loopback unless asked: 0.0.0.0 for all).")
    var metricsHost = "127.0.0.1"
    @Option(help: "SMS gateway: console (prints messages) or webhook.") var smsGateway = SMSGatewayKind.console
    @Option(help: "URL the webhook gateway posts messages to.") var webhookURL: String?
    @Option(
        help:
            "Card clock: cards are always at the store's data time; wall (production) marks them stale when it lags the wall clock by more than --max-data-lag, data (replayed feeds) never does. Default: wall for serve, data for demo."
    )
    var cardClock: CardClock?
    @Option(
        help: ArgumentHelp(
            "With --card-clock wall: the longest the data time may lag the clock before cards are stale (gray, no green code), e.g. 6h.",
            valueName: "duration"),
        transform: RuleOptions.duration)
    var maxDataLag: Int64 = ServiceConfiguration.defaultMaxDataLag.inWholeSeconds
    @Option(help: "Card re-reads (token look-ups) allowed per client address per minute.")
    var cardReadsPerMinute = ClientLimits().cardReadsPerMinute
    @Option(help: "SMS code requests allowed per client address per minute.")
    var codeRequestsPerMinute = ClientLimits().codeRequestsPerMinute
    @Option(help: "Code verifications allowed per client address per minute.")
    var verificationsPerMinute = ClientLimits().verificationsPerMinute
    @Option(
        help: ArgumentHelp(
            "SMS code requests allowed per network (IPv4 /24, IPv6 /64) per minute, all its addresses together (default: a tenth of --sms-per-minute).",
            valueName: "n"))
    var codeRequestsPerNetwork: Int?
    @Option(help: "SMS (codes and card replies) the whole service may send per minute, all phones together.")
    var smsPerMinute = ServiceConfiguration.defaultSMSPerMinute
    @Option(
        name: .customLong("trusted-proxy"),
        help: ArgumentHelp(
            "A reverse proxy's address or range (CIDR, IPv4 or IPv6; repeatable): from these peers the client is taken from X-Forwarded-For.",
            valueName: "cidr"))
    var trustedProxies: [AddressRange] = []
    @Option(
        help:
            "Seconds a card re-read shows the card presented last while its data and lists are unchanged (0: compute every card afresh)."
    )
    var cardReuse = ServiceConfiguration.defaultCardReuse.inWholeSeconds

    /// - Parameter defaultClock: the command's card clock when `--card-clock` is not given.
    func configuration(workspace: Workspace, windowDays: Int, defaultClock: CardClock) throws -> ServiceConfiguration {
        var configuration = ServiceConfiguration(
            stateDirectory: workspace.stateDirectory.path, phoneKeyer: workspace.keyer)
        configuration.cardClock = cardClock ?? defaultClock
        // The options count seconds (as their help says); the configuration holds Durations.
        configuration.maxDataLag = .seconds(maxDataLag)
        configuration.host = host
        configuration.port = port
        if let metricsPort {
            guard (0...65535).contains(metricsPort), metricsPort == 0 || metricsPort != port else {
                throw ValidationError("--metrics-port must be 0-65535 and not --port")
            }
        }
        configuration.metricsPort = metricsPort
        configuration.metricsHost = metricsHost
        configuration.windowDays = windowDays
        configuration.clientLimits.cardReadsPerMinute = cardReadsPerMinute
        configuration.clientLimits.codeRequestsPerMinute = codeRequestsPerMinute
        configuration.clientLimits.verificationsPerMinute = verificationsPerMinute
        if let codeRequestsPerNetwork, codeRequestsPerNetwork < 1 {
            throw ValidationError("--code-requests-per-network must be at least 1")
        }
        configuration.clientLimits.codeRequestsPerNetwork = codeRequestsPerNetwork
        configuration.smsPerMinute = smsPerMinute
        configuration.trustedProxies = TrustedProxies(trustedProxies)
        configuration.cardReuse = .seconds(cardReuse)
        switch smsGateway {
        case .console:
            configuration.smsGateway = .console(mirrorPath: nil)
        case .webhook:
            guard let webhookURL, let url = URL(string: webhookURL) else {
                throw ValidationError("--sms-gateway webhook needs --webhook-url")
            }
            configuration.smsGateway = .webhook(
                url: url, secret: try workspace.secret(.smsWebhook))
        }
        configuration.inboundSecret = try workspace.secret(.smsInbound)
        return configuration
    }
}
