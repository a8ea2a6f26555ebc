import ArgumentParser
import Foundation
import ItineraryPipeline
import ItineraryService

/// The SMS gateways `--sms-gateway` names.
enum SMSGatewayKind: String, ExpressibleByArgument, CaseIterable {
    case console, webhook
}

extension StoreCardSource.CardClock: ExpressibleByArgument {}

/// How the lookup service listens and sends SMS.
struct ServiceOptions: ParsableArguments {
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port).") var port = 8080
    @Option(help: "SMS gateway: console (prints messages) or webhook.") var smsGateway = SMSGatewayKind.console
    @Option(help: "URL the webhook gateway posts messages to.") var webhookURL: String?
    @Option(
        help:
            "Card clock: wall (request time) or data (the newest data time when earlier, for replayed feeds); default: wall for serve, data for demo."
    )
    var cardClock: StoreCardSource.CardClock?
    @Option(help: "Card re-reads (token look-ups) allowed per client address per minute.")
    var cardReadsPerMinute = ClientLimits().cardReadsPerMinute
    @Option(help: "SMS code requests allowed per client address per minute.")
    var codeRequestsPerMinute = ClientLimits().codeRequestsPerMinute
    @Option(help: "Code verifications allowed per client address per minute.")
    var verificationsPerMinute = ClientLimits().verificationsPerMinute
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
    var cardReuse = ServiceConfiguration.defaultCardReuse

    func configuration(workspace: Workspace, windowDays: Int) throws -> ServiceConfiguration {
        var configuration = ServiceConfiguration(
            stateDirectory: workspace.stateDirectory.path, phoneKeyer: workspace.keyer)
        configuration.host = host
        configuration.port = port
        configuration.windowDays = windowDays
        configuration.clientLimits.cardReadsPerMinute = cardReadsPerMinute
        configuration.clientLimits.codeRequestsPerMinute = codeRequestsPerMinute
        configuration.clientLimits.verificationsPerMinute = verificationsPerMinute
        configuration.smsPerMinute = smsPerMinute
        configuration.trustedProxies = TrustedProxies(trustedProxies)
        configuration.cardReuse = cardReuse
        switch smsGateway {
        case .console:
            configuration.smsGateway = .console(mirrorPath: nil)
        case .webhook:
            guard let webhookURL, let url = URL(string: webhookURL) else {
                throw ValidationError("--sms-gateway webhook needs --webhook-url")
            }
            configuration.smsGateway = .webhook(
                url: url, secret: try secret("ITINERARY_SMS_WEBHOOK_SECRET", "sms-webhook.secret", workspace))
        }
        configuration.inboundSecret = try secret("ITINERARY_SMS_INBOUND_SECRET", "sms-inbound.secret", workspace)
        return configuration
    }

    /// The card clock asked for, else the command's default.
    func clock(default fallback: StoreCardSource.CardClock) -> StoreCardSource.CardClock {
        cardClock ?? fallback
    }

    private func secret(_ variable: String, _ file: String, _ workspace: Workspace) throws -> [UInt8] {
        try Secrets.secret(named: file, variable: variable, stateDirectory: workspace.stateDirectory)
    }
}
