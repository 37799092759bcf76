import Domain
import Foundation

/// `pageviews.track`: a page view counted per path and quarter hour, nothing about the visitor.
struct PageViewMethods {
    let rules: PageViewRules
    let pageViews: any PageViewRepository
    let forwardsToGA: Bool

    var methods: [RPCMethod] {
        [
            RPCMethod(
                "pageviews.track",
                parameters: ["path", "title", "host", "referer", "user_agent", "status", "ga_client_id", "ga_session_id", "consent"],
                handler: track)
        ]
    }

    struct Result: Encodable, Sendable {
        var counted: Bool
        var reason: String
        var ga_status: String
    }

    @Sendable func track(_ params: RPCParams) async throws -> any Encodable & Sendable {
        let path: String
        do {
            path = try PagePath.normalized(try params.requiredString("path"))
        } catch let error as ValidationError {
            throw RPCError.invalidParams(error)
        }
        let title = try params.text("title", maxLength: 300)
        let host = try params.text("host", maxLength: 255)
        if let host, host.isEmpty || host.contains(where: { "/?#@ ".contains($0) }) {
            throw RPCError.invalidParams(field: "host", "must be a host name such as www.example.com, optionally with :port")
        }
        let referer = try params.text("referer", maxLength: 8192)
        let visitor = try params.visitor(sessionParameter: "ga_session_id")
        let userAgent = try params.text("user_agent", maxLength: 8192)
        let status = try params.integer("status") ?? 200
        guard (100...599).contains(status) else { throw RPCError.invalidParams(field: "status", "must be an HTTP status from 100 to 599") }

        let reason = rules.classify(path: path, status: status, userAgent: userAgent)
        guard reason == .ok else {
            return Result(counted: false, reason: reason.rawValue, ga_status: GAStatus.notApplicable.rawValue)
        }
        let view = PageViewRecord(
            path: path, occurredAt: Date(), host: host, title: title,
            referrer: referer.flatMap(Referer.init)?.normalized, visitor: forwardsToGA ? visitor : nil)
        let gaStatus = try await pageViews.recordView(view)
        return Result(counted: true, reason: reason.rawValue, ga_status: gaStatus.rawValue)
    }
}
