import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Storage

/// `GET|HEAD /go/{slug}`: redirect at once, classify the hit, hand it to the click writer (SPEC §5).
struct RedirectController {
    let intake: ClickIntake
    /// `CLICKTRAIL_CUSTOM_TAGS`, captured from the `/go/` URL beside the UTM parameters.
    let customTags: Set<String>
    let siteHosts: SiteHosts?
    let trustedProxies: TrustedProxies
    let fallbackURL: String?
    /// Read only when GA forwarding is on.
    let visitorCookies: VisitorCookies?

    static var allowedMethods: [String: [HTTPRequest.Method]] {
        ["/go/{slug}": [.get, .head]]
    }

    /// Sent with every answer of `/go/`: it is personal to the click and no page for search engines.
    private static let commonHeaders: HTTPFields = [
        .cacheControl: "private, no-store",
        HTTPField.Name("X-Robots-Tag")!: "noindex, nofollow",
    ]
    /// Parsed once, not per hit.
    private static let prefetchHeaders = Prefetch.headerNames.map { HTTPField.Name($0)! }
    private static let forwarded = HTTPField.Name("Forwarded")!
    private static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("go/{slug}", use: redirect)
        router.head("go/{slug}", use: redirect)
    }

    @Sendable func redirect(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = context.parameters.get("slug") ?? ""
        let link: Link?
        do {
            link = try await intake.activeLink(slug: slug)
        } catch {
            context.logger.error("link lookup failed", metadata: ["error": "\(error)"])
            throw Problem(status: .serviceUnavailable, detail: "links cannot be read right now; try again")
        }
        guard let link else { return notFound(request) }

        let hit = Hit(
            isHead: request.method == .head,
            isPrefetch: Self.prefetchHeaders.contains { name in
                request.headers[values: name].contains(where: Prefetch.isSpeculative)
            },
            userAgent: request.headers[.userAgent],
            referer: request.headers[.referer],
            leadSource: LeadSource(
                parameters: request.uri.queryParameters.map { (String($0.key), String($0.value)) }, customTags: customTags),
            siteHosts: siteHosts ?? SiteHosts(requestHost: requestHost(request, context)))
        await intake.record(hit, on: link, at: Date(), visitor: visitorCookies?.visitor(of: request))

        var headers = Self.commonHeaders
        headers[.location] = RedirectLocation.build(
            destination: link.url, forwardedQuery: link.forwardQuery ? request.uri.query : nil)
        return Response(status: .init(code: link.redirectStatus), headers: headers)
    }

    /// The host the visitor asked for: the `Host` header, or what a trusted proxy says it forwarded.
    private func requestHost(_ request: Request, _ context: AppRequestContext) -> String {
        if let peer = context.peerAddress, trustedProxies.contains(ipAddress: peer) {
            if let forwarded = request.headers[Self.forwarded], let host = ForwardedHeader.host(in: forwarded) {
                return host
            }
            if let forwardedHost = request.headers[Self.forwardedHost]?.split(separator: ",").first {
                return forwardedHost.trimmingCharacters(in: .whitespaces)
            }
        }
        return request.head.authority ?? ""
    }

    /// Unknown or inactive: the fallback, else a small 404 page (problem+json for JSON-only clients).
    private func notFound(_ request: Request) -> Response {
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
