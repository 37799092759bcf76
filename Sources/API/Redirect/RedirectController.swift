import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// `GET|HEAD /go/{slug}` in the router: redirect at once, classify the hit, hand it to the click
/// writer (README, "The redirect"). Most hits never get here — `RedirectFastPath` answers them on the event
/// loop — only those it cannot: a slug not in memory yet, an unknown one, a full writer queue
/// (waited for a bounded while here), pipelined requests behind another route's.
struct RedirectController {
    let redirector: Redirector

    /// The route's pattern as the router reports it: the label of its metrics and log lines.
    static let route = "/go/{slug}"

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("go/{slug}", use: redirect)
        router.head("go/{slug}", use: redirect)
    }

    @Sendable func redirect(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = context.parameters.get("slug") ?? ""
        let link: Link?
        do {
            link = try await redirector.activeLink(slug: slug)
        } catch {
            context.logger.error("link lookup failed", metadata: ["error": "\(error)"])
            throw Problem(status: .serviceUnavailable, detail: "links cannot be read right now; try again")
        }
        guard let link else { return redirector.notFound(request) }
        guard let (response, admission) = redirector.redirect(request, to: link, peerAddress: { context.peerAddress }) else {
            return redirector.notLive(request, link: link)
        }
        await redirector.record(admission)
        return Response(status: response.status, headers: response.headerFields)
    }
}
