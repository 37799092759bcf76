import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// What `/go/{slug}` answers and records (README, "The redirect"), decided the same way for both paths a hit can
/// take: the router's route, and `RedirectFastPath` on the event loop.
struct Redirector: Sendable {
    let intake: ClickIntake
    /// `CLICKTRAIL_CUSTOM_TAGS`, captured from the `/go/` URL beside the UTM parameters.
    let customTags: Set<String>
    let siteHosts: SiteHosts?
    /// Whose `Forwarded` headers are believed when the site's host is read from the request.
    let forwarded: ForwardedRequest
    let fallbackURL: String?
    /// Read only when GA forwarding is on.
    let visitorCookies: VisitorCookies?

    /// Sent with every answer of `/go/`: it is personal to the click and no page for search engines.
    private static let commonHeaders: HTTPFields = [
        .cacheControl: "private, no-store",
        HTTPField.Name("X-Robots-Tag")!: "noindex, nofollow",
    ]
    /// Parsed once, not per hit.
    private static let prefetchHeaders = Prefetch.headerNames.map { HTTPField.Name($0)! }

    /// How long a redirect may wait for room in a full click queue before its click is dropped:
    /// the visitor's redirect matters more than one click, and a failing database must not hold it.
    static let clickQueueWait: Duration = .milliseconds(50)

    /// The active link behind `slug`, reading the database on a cache miss.
    func activeLink(slug: String) async throws -> Link? {
        try await intake.activeLink(slug: slug)
    }

    /// The active link behind `slug` when memory knows it; nil also when only the database could tell.
    func cachedActiveLink(slug: Substring) -> Link? {
        intake.cachedActiveLink(slug: String(slug))
    }

    /// The redirect to `link` and the click it records (the caller queues it), or nil when the
    /// link is not live: `notLive` answers then, and nothing is recorded.
    /// `peerAddress` is asked only when forwarding headers might be believed.
    func redirect(_ request: Request, to link: Link, peerAddress: () -> String?) -> (HTTPResponse, ClickIntake.Admission)? {
        let hit = Hit(
            isHead: request.method == .head,
            isPrefetch: Self.prefetchHeaders.contains { name in
                request.headers[values: name].contains(where: Prefetch.isSpeculative)
            },
            userAgent: request.headers[.userAgent],
            referer: request.headers[.referer],
            // The one form-decoding rule the referer's query goes through too: `+` is a space,
            // names are percent-decoded, so `/go/` and referer campaigns add up under one name.
            leadSource: request.uri.query.map { LeadSource(query: Substring($0), customTags: customTags) } ?? LeadSource(),
            siteHosts: siteHosts ?? SiteHosts(requestHost: forwarded.host(request, peerAddress: peerAddress)))
        // The user agent and language decide a rule here and are forgotten; only the index is kept.
        let facts = {
            RoutingFacts(
                userAgent: hit.userAgent, acceptLanguage: request.headers[.acceptLanguage],
                query: request.uri.query.map { LeadSource.decode(query: Substring($0)) } ?? [])
        }
        guard case .success(let admission) = intake.admit(hit, to: link, facts: facts, at: Date(), visitor: visitorCookies?.visitor(of: request))
        else { return nil }
        var headers = Self.commonHeaders
        headers[.location] = RedirectLocation.build(
            destination: admission.url, forwardedQuery: link.forwardQuery ? request.uri.query : nil)
        return (HTTPResponse(status: .init(code: link.redirectStatus), headerFields: headers), admission)
    }

    /// Queues a redirect's click, waiting at most `clickQueueWait` for room.
    func record(_ admission: ClickIntake.Admission) async {
        await intake.record(admission, waitingAtMost: Self.clickQueueWait)
    }

    /// Queues a redirect's click if that needs no wait; false when the router must take over.
    func tryRecord(_ admission: ClickIntake.Admission) -> Bool {
        intake.tryRecord(admission)
    }

    /// A link that is not live: its `expired_url` when it has one (a scheduled, expired or
    /// exhausted link), else the answer for an unknown slug.
    func notLive(_ request: Request, link: Link) -> Response {
        guard let expiredURL = link.schedule.expiredURL else { return notFound(request) }
        var headers = Self.commonHeaders
        headers[.location] = expiredURL
        return Response(status: .found, headers: headers)
    }

    /// Unknown or inactive: the fallback, else a small 404 page (problem+json for JSON-only clients).
    func notFound(_ request: Request) -> Response {
        var headers = Self.commonHeaders
        if let fallbackURL {
            headers[.location] = fallbackURL
            return Response(status: .found, headers: headers)
        }
        if AcceptHeader.prefersJSON(request.headers[.accept]) {
            headers[.contentType] = "application/problem+json"
            let body = #"{"detail":"no active link has this slug","status":404,"title":"Not Found","type":"about:blank"}"#
            return Response(status: .notFound, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: .notFound, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Self.notFoundPage)))
    }

    private static let notFoundPage = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
        <title>Link not found</title></head>
        <body><h1>Link not found</h1><p>This link does not exist or is no longer active.</p></body></html>

        """
}
