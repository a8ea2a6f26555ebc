import NIOCore
import NIOHTTPTypes

/// Tells ``WaitingConnections`` when its connection opens, closes, receives a request head and
/// finishes a response; closes the connection the registry picks to make room.
final class ConnectionShedHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let connections: WaitingConnections
    private var waitingID: UInt64?

    init(connections: WaitingConnections) {
        self.connections = connections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        connections.open()?.close(promise: nil)
        waitingID = connections.startWaiting(context.channel)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopWaiting()
        connections.close()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { stopWaiting() }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), waitingID == nil {
            waitingID = connections.startWaiting(context.channel)
        }
        context.write(data, promise: promise)
    }

    private func stopWaiting() {
        if let waitingID { connections.stopWaiting(waitingID) }
        waitingID = nil
    }
}
