import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTPTypes

/// Answers `GET|HEAD /go/{slug}` on the connection's event loop, below Hummingbird's router.
///
/// Why: a request through the router costs a hop into Swift concurrency and back (an async
/// sequence per connection, the responder chain, an async write); docs/performance.md has the
/// numbers. Here a redirect is decided and written in one `channelRead`, with the same
/// `Redirector` the route uses, so both give identical answers. Closing after the answer is the
/// `ConnectionGuard`'s, for both paths.
///
/// It answers only what it can without waiting, and passes everything else on to the router
/// unchanged: a slug not in memory yet (the router's lookup fills the cache), an unknown or
/// inactive one (the router has the fallback and 404 page), a full click queue (the router's
/// route waits a bounded while for room), any other path
/// or method, and any request that arrives while one passed on is still unanswered (answers
/// must leave in request order when a client pipelines).
final class RedirectFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let redirector: Redirector
    private let ledger: RequestLedger
    private let logger: Logger
    private let serverName: String
    /// Requests passed on to the router whose answer has not been written yet.
    private var passedOnUnanswered = 0
    /// The rest of a request answered here (a body nobody asked for) is read and dropped.
    private var droppingRestOfRequest = false
    private var needsFlush = false
    private var date = HTTPDateHeader()

    init(redirector: Redirector, ledger: RequestLedger, logger: Logger, serverName: String) {
        self.redirector = redirector
        self.ledger = ledger
        self.logger = logger
        self.serverName = serverName
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if passedOnUnanswered == 0, answer(head, context) {
                droppingRestOfRequest = true
                return
            }
            passedOnUnanswered += 1
            context.fireChannelRead(data)
        case .body:
            if !droppingRestOfRequest { context.fireChannelRead(data) }
        case .end:
            if droppingRestOfRequest {
                droppingRestOfRequest = false
            } else {
                context.fireChannelRead(data)
            }
        }
    }

    /// Answers written in one read are flushed together: pipelined redirects share a syscall.
    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // The router answered one of the requests passed on. Its parse-error answer has no request
        // behind it, hence the floor.
        if case .end = unwrapOutboundIn(data) { passedOnUnanswered = max(0, passedOnUnanswered - 1) }
        context.write(data, promise: promise)
    }

    /// Writes the redirect and queues its click, or returns false when the router must answer.
    private func answer(_ head: HTTPRequest, _ context: ChannelHandlerContext) -> Bool {
        guard head.method == .get || head.method == .head,
            let path = head.path, let slug = Self.slug(inPath: path),
            let link = redirector.cachedActiveLink(slug: slug)
        else { return false }
        let started = ContinuousClock.now
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer()))
        // A link that is not live is rare: the router answers it, with the same rules.
        guard let (answer, admission) = redirector.redirect(request, to: link, peerAddress: { context.channel.remoteAddress?.ipAddress }),
            redirector.tryRecord(admission)
        else { return false }
        var response = answer
        response.headerFields[.contentLength] = "0"
        response.headerFields[.date] = date.now()
        response.headerFields[.server] = serverName
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
        needsFlush = true
        ledger.answered(
            method: head.method, path: request.uri.path, route: RedirectController.route, status: response.status,
            since: started, by: .eventLoop, logger: requestLogger())
        return true
    }

    /// The logger of one request, with the request id the router's requests carry.
    private func requestLogger() -> Logger {
        guard logger.logLevel <= .info else { return logger }
        var logger = logger
        logger[metadataKey: "hb.request.id"] = .stringConvertible(RequestID())
        return logger
    }

    /// The slug of `/go/{slug}` or `/go/{slug}/` (query ignored); nil for any other path, which
    /// the router then answers as it would anyway.
    static func slug(inPath path: String) -> Substring? {
        // Byte-wise: `Character` comparisons cost grapheme breaking on every redirect.
        let bytes = path.utf8
        let beforeQuery = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex
        guard bytes[..<beforeQuery].starts(with: "/go/".utf8) else { return nil }
        let slugStart = bytes.index(bytes.startIndex, offsetBy: 4)
        var slugEnd = beforeQuery
        if slugEnd > slugStart, bytes[bytes.index(before: slugEnd)] == UInt8(ascii: "/") { slugEnd = bytes.index(before: slugEnd) }
        guard slugEnd > slugStart, !bytes[slugStart..<slugEnd].contains(UInt8(ascii: "/")) else { return nil }
        return path[slugStart..<slugEnd]
    }
}

/// The `Date` header (RFC 9110 §6.6.1) as Hummingbird writes it on the router's answers,
/// formatted at most once a second per connection.
struct HTTPDateHeader {
    private var second = 0
    private var text = ""

    private static let style = Date.VerbatimFormatStyle(
        format: """
            \(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .padded(4)) \
            \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) GMT
            """,
        locale: Locale(identifier: "en_US_POSIX"), timeZone: .gmt, calendar: Calendar(identifier: .gregorian))

    mutating func now() -> String {
        let now = Date()
        let second = Int(now.timeIntervalSince1970)
        if second != self.second || text.isEmpty {
            self.second = second
            text = Self.style.format(now)
        }
        return text
    }
}
