import Foundation

/// Which SMS gateway drains the outbox.
public enum SMSGatewayChoice: Sendable {
    /// Print `SMS to 138****8000: …` to standard output (and append to `mirrorPath` if given).
    case console(mirrorPath: String?)
    /// POST JSON to `url` (see ``WebhookSMSGateway``), signed with `secret` if given.
    case webhook(url: URL, secret: [UInt8]?)
    /// Any other gateway.
    case custom(any SMSGateway)

    func makeGateway() -> any SMSGateway {
        switch self {
        case .console(let mirrorPath): ConsoleSMSGateway(mirrorPath: mirrorPath)
        case .webhook(let url, let secret): WebhookSMSGateway(url: url, secret: secret)
        case .custom(let gateway): gateway
        }
    }
}
