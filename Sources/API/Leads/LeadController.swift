import Domain
import Hummingbird

/// `/api/v1/leads`: lead sources for dashboards, and erasure per subject (openapi.yaml).
struct LeadController {
    let leads: any LeadRepository

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("leads", use: list)
        group.delete("leads", use: erase)
    }

    struct Deleted: ResponseEncodable {
        var deleted: Int
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> ListResponse<LeadResponse> {
        try context.principal.require(.statsRead)
        let query = QueryParameters(request)
        let page = try PageRequest(query: query.values)
        let filter = LeadFilter(
            subject: query.values["subject"], utmSource: query.values["utm_source"], utmMedium: query.values["utm_medium"],
            utmCampaign: query.values["utm_campaign"])
        let result = try await leads.list(filter, after: page.after, limit: page.limit)
        return ListResponse(items: result.items.map(LeadResponse.init), next_cursor: PageRequest.encode(result.nextAfter))
    }

    /// Right to erasure: every lead of the subject, answered with how many went.
    @Sendable func erase(_ request: Request, context: AuthenticatedContext) async throws -> Deleted {
        try context.principal.require(.admin)
        guard let subject = QueryParameters(request).values["subject"] else {
            throw Problem.badRequest("subject is required: erasure is per subject")
        }
        if let problem = Subject.problem(with: subject) { throw Problem.badRequest("subject \(problem)") }
        return Deleted(deleted: try await leads.erase(subject: subject))
    }
}
