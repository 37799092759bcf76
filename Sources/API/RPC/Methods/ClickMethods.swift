import Domain
import Foundation
import Storage

/// `clicks.ingest`: a click a server saw, counted by the same rules and code as `/go/`.
struct ClickMethods {
    let intake: ClickIntake
    /// Nil: the call's `site_host` is the site, as the request's host is for `/go/`.
    let siteHosts: SiteHosts?
    let customTags: Set<String>

    /// Clock skew a caller may have; a click further in the future is refused.
    static let allowedFutureSkew: TimeInterval = 300

    var methods: [RPCMethod] {
        [
            RPCMethod(
                "clicks.ingest",
                parameters: [
                    "slug", "occurred_at", "referer", "user_agent", "site_host", "ga_client_id", "ga_session_id", "consent", "utm",
                    "accept_language", "query",
                ],
                handler: ingest)
        ]
    }

    struct Result: Encodable, Sendable {
        var id: Int64
        var counted: Bool
        var reason: String
        var ga_status: String
        /// Where the visitor goes: the matching rule's URL, a weighted destination or the link's `url`.
        var url: String
        @NullWhenAbsent var rule: Int?
        @NullWhenAbsent var destination: Int?
    }

    @Sendable func ingest(_ params: RPCParams) async throws -> any Encodable & Sendable {
        let slug = try params.requiredString("slug")
        let now = Date()
        let occurredAt = try params.timestamp("occurred_at") ?? now
        guard occurredAt.timeIntervalSince(now) <= Self.allowedFutureSkew else {
            throw RPCError.invalidParams(field: "occurred_at", "must not be in the future")
        }
        let referer = try params.text("referer", maxLength: 8192)
        let userAgent = try params.text("user_agent", maxLength: 8192)
        let siteHost = try params.text("site_host", maxLength: 255)
        let visitor = try params.visitor(sessionParameter: "ga_session_id")
        let leadSource = try params.leadParameters("utm", customTags: customTags) ?? LeadSource()
        let acceptLanguage = try params.text("accept_language", maxLength: 1024)
        let query = try params.stringObject("query") ?? [:]

        guard let link = try await intake.activeLink(slug: slug) else { throw RPCError.unknownLink(slug) }
        let hit = Hit(
            isHead: false, isPrefetch: false, userAgent: userAgent, referer: referer, leadSource: leadSource,
            siteHosts: siteHosts ?? SiteHosts(requestHost: siteHost ?? ""))
        let facts = RoutingFacts(userAgent: userAgent, acceptLanguage: acceptLanguage, query: query.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        let admission: ClickIntake.Admission
        switch intake.admit(hit, to: link, facts: { facts }, at: occurredAt, visitor: visitor) {
        case .success(let admitted): admission = admitted
        case .failure(let notLive): throw RPCError.linkNotLive(slug, state: notLive.state)
        }
        let click = admission.click
        switch await intake.recordConfirmed(admission) {
        case .stored(let id, let gaStatus):
            return Result(
                id: id, counted: click.verdict.counted, reason: click.verdict.reason.rawValue, ga_status: gaStatus.rawValue, url: admission.url,
                rule: click.rule, destination: click.destination)
        case .linkMissing:
            throw RPCError.unknownLink(slug)
        case .failed:
            throw RPCError.storageUnavailable()
        }
    }
}
