import Domain
import Foundation

/// `pageviews.track`: a page view counted per path and quarter hour, nothing about the visitor.
struct PageViewMethods {
    let rules: PageViewRules
    let pageViews: any PageViewRepository

    var methods: [RPCMethod<IngestCall>] {
        [
            RPCMethod(
                "pageviews.track",
                parameters: ["path", "title", "host", "referer", "user_agent", "status", "ga_client_id", "consent"],
                handler: track)
        ]
    }

    struct Result: Encodable, Sendable {
        var counted: Bool
        var reason: String
        var ga_status: String
    }

    @Sendable func track(_ params: RPCParams, _ call: IngestCall) async throws -> any Encodable & Sendable {
        let path: String
        do {
            path = try PagePath.normalized(try params.requiredString("path"))
        } catch let error as ValidationError {
            throw RPCError.invalidParams(error)
        }
        // Checked now; title, host, referer, client id and consent travel to GA with issue 5.
        _ = try params.text("title", maxLength: 300)
        _ = try params.text("host", maxLength: 255)
        _ = try params.text("referer", maxLength: 8192)
        _ = try params.gaClientID()
        _ = try params.explicitConsent()
        let userAgent = try params.text("user_agent", maxLength: 8192)
        let status = try params.integer("status") ?? 200
        guard (100...599).contains(status) else { throw RPCError.invalidParams(field: "status", "must be an HTTP status from 100 to 599") }

        let reason = rules.classify(path: path, status: status, userAgent: userAgent)
        if reason == .ok {
            try await pageViews.recordView(path: path, at: Date())
        }
        return Result(counted: reason == .ok, reason: reason.rawValue, ga_status: GAStatus.notApplicable.rawValue)
    }
}
