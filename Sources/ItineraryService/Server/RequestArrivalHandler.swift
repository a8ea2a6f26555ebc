import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers, at the connection, requests that do not arrive as they should:
///
/// - a body not complete within `bodyTimeout` of its head gets 408 `request_timeout` (the idle
///   timeout restarts with every byte, so a body trickled in a byte at a time would otherwise
///   hold its connection, and its memory, for ever);
/// - bad framing (a malformed chunk, a bad `Content-Length`, a broken head) gets 400
///   `malformed_request` whether or not a handler reads the body.
///
/// Both are the JSON error with the security headers and `Connection: close`, and the connection
/// then closes (its output at once, the rest ``lingerTime`` later); if the response to the request
/// has already begun it just closes. What the
/// application writes afterwards is dropped. A client hanging up mid-body is left to the
/// application (``ErrorMiddleware``: 499, not an error).
final class RequestArrivalHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Where the response to the request last received stands.
    private enum ResponseState {
        case none, started, finished
    }

    private let bodyTimeout: TimeAmount
    /// A head has arrived and its end not yet.
    private var receiving = false
    private var response = ResponseState.finished
    private var deadline: Scheduled<Void>?
    /// The connection has been answered here and is closing.
    private var closing = false

    init(bodyTimeout: Duration) {
        self.bodyTimeout = TimeAmount(bodyTimeout)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Answered here: what still comes is read and dropped until the connection closes.
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .head:
            receiving = true
            response = .none
        case .body:
            break
        case .end:
            receiving = false
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Most requests arrive whole in one read; only one still incomplete needs a timer.
        if receiving, deadline == nil, !closing {
            let seconds = bodyTimeout.nanoseconds / 1_000_000_000
            deadline = context.eventLoop.assumeIsolated().scheduleTask(in: bodyTimeout) {
                let error = APIError.requestTimeout(seconds: seconds)
                self.refuse(context: context, with: error)
                // A handler still reading the body stops with the 408 (counted as such).
                context.fireErrorCaught(error)
            }
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? HTTPParserError, error != .invalidEOFState {
            refuse(context: context, with: .malformedRequest)
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !closing else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head: response = .started
        case .body: break
        case .end: response = .finished
        }
        context.write(data, promise: promise)
    }

    /// Answers `error` unless a response to this request has begun or been sent, then closes.
    private func refuse(context: ChannelHandlerContext, with error: APIError) {
        guard !closing else { return }
        closing = true
        deadline?.cancel()
        deadline = nil
        guard response == .none || (!receiving && response == .finished) else {
            context.close(promise: nil)
            return
        }
        let body = ByteBuffer(string: error.json)
        var headers = Responses.jsonHeaders()
        headers.append(contentsOf: error.responseHeaders)
        headers[.contentLength] = String(body.readableBytes)
        SecurityHeadersMiddleware.apply(to: &headers)
        context.write(wrapOutboundOut(.head(HTTPResponse(status: error.status, headerFields: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            Self.lingeringClose(context)
        }
    }

    /// Closes after an answer the client may still be sending into: the output first, then the
    /// rest a moment later, reading meanwhile. Closing at once with unread input makes the kernel
    /// reset the connection, and a reset can discard the answer before the client reads it.
    private static func lingeringClose(_ context: ChannelHandlerContext) {
        context.close(mode: .output, promise: nil)
        context.eventLoop.assumeIsolated().scheduleTask(in: lingerTime) { context.close(promise: nil) }
    }

    /// How long a refused connection's input is still read after the answer.
    static let lingerTime = TimeAmount.seconds(1)
}
