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
/// It sits right after Hummingbird's HTTP codec and places a probe in front of it that reads the
/// HTTP/1 head's version (HTTP/1.0 defaults to close; the codec drops the version). A read that
/// completes without a head while the connection is idle means a request has started arriving.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    struct Timeouts: Sendable {
        var idle: Duration
        var header: Duration
    }

    private let idleTimeout: TimeAmount
    private let headerTimeout: TimeAmount
    private let logger: Logger
    private var context: ChannelHandlerContext?
    /// For each request read and not yet answered, in order: whether the connection stays open after it.
    private var unanswered: [Bool] = []
    /// Keep-alive verdicts of heads the probe saw that have not reached this handler yet.
    private var keepAliveOfNextHeads: [Bool] = []
    private var headStarted = false
    /// Whether the decoder made a request part of the bytes of the current read.
    private var partsInThisRead = false
    private var bodyInProgress = false
    private var closing = false
    /// When the connection is closed unless something happens first; nil while a request is answered.
    private var deadline: NIODeadline?
    /// One timer, moved only when the deadline comes earlier than it: a busy connection moves a
    /// deadline per request, not a timer (scheduling one per request cost measurable CPU).
    private var timer: Scheduled<Void>?
    private var timerAt = NIODeadline.distantFuture

    init(timeouts: Timeouts, logger: Logger) {
        self.idleTimeout = TimeAmount(timeouts.idle)
        self.headerTimeout = TimeAmount(timeouts.header)
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let pipeline = context.pipeline.syncOperations
        do {
            let codec = try pipeline.handler(type: HTTP1ToHTTPServerCodec.self)
            try pipeline.addHandler(KeepAliveProbe(guard: self), position: .before(codec))
        } catch {
            // Only a pipeline without Hummingbird's codec can get here; without the probe the
            // timeouts still hold and only HTTP/1.0's default of closing is lost.
            logger.error("connection guard incomplete", metadata: ["error": "\(error)"])
        }
        if context.channel.isActive { expire(after: idleTimeout) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        expire(after: idleTimeout)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        partsInThisRead = true
        switch unwrapInboundIn(data) {
        case .head:
            headStarted = false
            bodyInProgress = true
            unanswered.append(keepAliveOfNextHeads.isEmpty ? true : keepAliveOfNextHeads.removeFirst())
            expire(after: idleTimeout)
        case .body:
            expire(after: idleTimeout)
        case .end:
            bodyInProgress = false
            if unanswered.isEmpty {
                // Answered already (the fast path answers before the request's end is read).
                expire(after: idleTimeout)
            } else {
                // Answering may take as long as it takes (an export streams for minutes).
                deadline = nil
            }
        }
        context.fireChannelRead(data)
    }

    /// Bytes were read. If the decoder made nothing of them while the connection was idle, they
    /// are the start of a request whose head has `header` to arrive whole, however slowly the
    /// rest trickles in.
    func channelReadComplete(context: ChannelHandlerContext) {
        if !partsInThisRead, unanswered.isEmpty, !bodyInProgress, !headStarted, !closing {
            headStarted = true
            expire(after: headerTimeout)
        }
        partsInThisRead = false
        context.fireChannelReadComplete()
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
            if unanswered.isEmpty, !bodyInProgress, !headStarted { expire(after: idleTimeout) }
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

    fileprivate func headArriving(keepAlive: Bool) {
        keepAliveOfNextHeads.append(keepAlive)
    }

    private func expire(after timeout: TimeAmount) {
        let at = NIODeadline.now() + timeout
        deadline = at
        if timer == nil || at < timerAt { schedule(at) }
    }

    private func schedule(_ at: NIODeadline) {
        guard let context, !closing else { return }
        timer?.cancel()
        timerAt = at
        timer = context.eventLoop.scheduleTask(deadline: at) { [weak self] in self?.timerFired() }
    }

    private func timerFired() {
        timer = nil
        guard let deadline, let context else { return }
        if deadline <= .now() {
            logger.debug("closing a connection that sent nothing in time")
            close(context)
        } else {
            schedule(deadline)
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
