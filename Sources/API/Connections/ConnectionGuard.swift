import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Keeps connections honest, for every request whoever answers it (the router or the redirect
/// fast path, which Hummingbird's own connection handler never sees):
/// - closes a connection idle between requests, or whose request body stalls, after `idle`;
/// - closes one whose request head is not complete `header` after its first byte (slowloris);
/// - closes after answering a request that did not ask to keep the connection: `Connection:
///   close` in any case or list, or HTTP/1.0 without keep-alive (RFC 9112 §9.3);
/// - answers what the HTTP parser refuses with problem+json (431 for oversized headers), then closes.
///
/// It sits right after Hummingbird's HTTP codec and places two probes in front of it: one sees
/// raw bytes (a request has started), one the HTTP/1 head with its version (keep-alive).
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    struct Timeouts: Sendable {
        var idle: Duration
        var header: Duration
    }

    private let timeouts: Timeouts
    private let logger: Logger
    private var context: ChannelHandlerContext?
    /// For each request read and not yet answered, in order: whether the connection stays open after it.
    private var unanswered: [Bool] = []
    /// Keep-alive verdicts of heads the probe saw that have not reached this handler yet.
    private var keepAliveOfNextHeads: [Bool] = []
    private var headStarted = false
    private var bodyInProgress = false
    private var closing = false
    private var timer: Scheduled<Void>?

    init(timeouts: Timeouts, logger: Logger) {
        self.timeouts = timeouts
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let pipeline = context.pipeline.syncOperations
        do {
            try pipeline.addHandler(RequestBytesProbe(guard: self), position: .first)
            let codec = try pipeline.handler(type: HTTP1ToHTTPServerCodec.self)
            try pipeline.addHandler(KeepAliveProbe(guard: self), position: .before(codec))
        } catch {
            // Only a pipeline without Hummingbird's codec can get here; without the probes the
            // idle timeout still holds.
            logger.error("connection guard incomplete", metadata: ["error": "\(error)"])
        }
        if context.channel.isActive { arm(timeouts.idle) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(timeouts.idle)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        switch unwrapInboundIn(data) {
        case .head:
            headStarted = false
            bodyInProgress = true
            unanswered.append(keepAliveOfNextHeads.isEmpty ? true : keepAliveOfNextHeads.removeFirst())
            arm(timeouts.idle)
        case .body:
            arm(timeouts.idle)
        case .end:
            bodyInProgress = false
            // Answering may take as long as it takes (an export streams for minutes).
            timer?.cancel()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where unanswered.first == false:
            head.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            let keepAlive = unanswered.isEmpty ? true : unanswered.removeFirst()
            guard keepAlive else {
                context.writeAndFlush(data, promise: promise)
                close(context)
                return
            }
            context.write(data, promise: promise)
            if unanswered.isEmpty, !bodyInProgress, !headStarted { arm(timeouts.idle) }
        default:
            context.write(data, promise: promise)
        }
    }

    /// A request the parser refused has no handler to answer it: answer here and close, unless
    /// an earlier request is still being answered (the router then ends the connection itself).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard unanswered.isEmpty, !closing, Self.isRequestError(error) else {
            context.fireErrorCaught(error)
            return
        }
        let problem =
            if case HTTPParserError.headerOverflow = error {
                Problem(status: .requestHeaderFieldsTooLarge, detail: "the request's header fields are too large")
            } else {
                Problem.badRequest("the request is not valid HTTP/1.1")
            }
        var (head, body) = problem.encoded()
        head.headerFields[.contentLength] = "\(body.readableBytes)"
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        close(context)
    }

    /// The first bytes of a request arrived while the connection was idle.
    fileprivate func requestBytesArrived() {
        guard unanswered.isEmpty, !bodyInProgress, !headStarted else { return }
        headStarted = true
        arm(timeouts.header)
    }

    fileprivate func headArriving(keepAlive: Bool) {
        keepAliveOfNextHeads.append(keepAlive)
    }

    private func arm(_ timeout: Duration) {
        timer?.cancel()
        guard let context, !closing else { return }
        timer = context.eventLoop.scheduleTask(in: TimeAmount(timeout)) { [weak self] in
            guard let self, let context = self.context else { return }
            self.logger.debug("closing a connection that sent nothing in time")
            self.close(context)
        }
    }

    private func close(_ context: ChannelHandlerContext) {
        closing = true
        timer?.cancel()
        context.close(promise: nil)
    }

    private static func isRequestError(_ error: any Error) -> Bool {
        error is HTTPParserError || error is HTTP1TypeConversionError
    }
}

/// Tells the guard that a request's bytes started arriving; sees raw bytes, first in the pipeline.
private final class RequestBytesProbe: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    private weak var connectionGuard: ConnectionGuard?

    init(guard connectionGuard: ConnectionGuard) {
        self.connectionGuard = connectionGuard
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connectionGuard?.requestBytesArrived()
        context.fireChannelRead(data)
    }
}

/// Reads each HTTP/1 head's keep-alive verdict, which needs the version the codec after it drops.
private final class KeepAliveProbe: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    private weak var connectionGuard: ConnectionGuard?

    init(guard connectionGuard: ConnectionGuard) {
        self.connectionGuard = connectionGuard
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            connectionGuard?.headArriving(keepAlive: head.isKeepAlive)
        }
        context.fireChannelRead(data)
    }
}
