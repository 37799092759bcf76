import Domain
import Hummingbird

/// `/api/v1/links`: the CMS's view of links (openapi.yaml).
struct LinkController<Links: LinkRepository> {
    static var maxSearchLength: Int { 200 }

    let links: Links

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("links", use: list)
        group.post("links", use: create)
        group.get("links/{slug}", use: show)
        group.put("links/{slug}", use: replace)
        group.patch("links/{slug}", use: patch)
        group.delete("links/{slug}", use: delete)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> ListResponse<LinkResponse> {
        try context.principal.require(.linksRead)
        let query = QueryParameters(request)
        let page = try PageRequest(query: query.values)
        if let text = query.values["q"], text.count > Self.maxSearchLength {
            // Beyond any slug, name or URL worth typing; unbounded, it hits the database's pattern limit.
            throw Problem.badRequest("q must be at most \(Self.maxSearchLength) characters")
        }
        var filter = LinkFilter(tag: query.values["tag"], text: query.values["q"])
        if let active = query.values["active"] {
            guard let value = Bool(active) else { throw Problem.badRequest("active must be true or false") }
            filter.active = value
        }
        let result = try await links.list(filter, after: page.after, limit: page.limit)
        return ListResponse(items: result.items.map { LinkResponse($0) }, next_cursor: PageRequest.encode(result.nextAfter))
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<LinkResponse> {
        try context.principal.require(.linksWrite)
        let draft = try LinkInput.draft(from: try await JSONBody.object(of: request, context: context))
        let link = try await links.create(draft)
        return EditedResponse(status: .created, headers: [.location: Self.location(of: link)], response: LinkResponse(link))
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> LinkResponse {
        try context.principal.require(.linksRead)
        return LinkResponse(try await existing(context))
    }

    /// Create or replace: a CMS syncs its links idempotently by slug. The path names the link.
    @Sendable func replace(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<LinkResponse> {
        try context.principal.require(.linksWrite)
        let slug = try context.parameters.require("slug")
        let draft = try LinkInput.draft(from: try await JSONBody.object(of: request, context: context), pathSlug: slug)
        let (link, outcome) = try await links.upsert(draft)
        if outcome == .created {
            return EditedResponse(status: .created, headers: [.location: Self.location(of: link)], response: LinkResponse(link))
        }
        return EditedResponse(status: .ok, response: LinkResponse(link))
    }

    /// RFC 7396 merge patch over the link's editable fields. The slug is not among them: published
    /// `/go/` URLs must not break, so a slug in the patch is ignored like the read-only fields.
    @Sendable func patch(_ request: Request, context: AuthenticatedContext) async throws -> LinkResponse {
        try context.principal.require(.linksWrite)
        let patch = try await JSONBody.object(
            of: request, context: context, mediaTypes: ["application/merge-patch+json", "application/json"])
        let current = try await existing(context)
        guard case .object(let merged) = LinkInput.editableJSON(of: current).merging(patch: .object(patch)) else {
            throw Problem.badRequest("the patch must be a JSON object")
        }
        let draft = try LinkInput.draft(from: merged, pathSlug: current.slug)
        guard let updated = try await links.update(slug: current.slug, to: draft) else {
            throw Self.notFound(current.slug)
        }
        return LinkResponse(updated)
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> HTTPResponse.Status {
        try context.principal.require(.linksWrite)
        let slug = try context.parameters.require("slug")
        guard try await links.delete(slug: slug) else { throw Self.notFound(slug) }
        return .noContent
    }

    private func existing(_ context: AuthenticatedContext) async throws -> Link {
        let slug = try context.parameters.require("slug")
        guard let link = try await links.find(slug: slug) else { throw Self.notFound(slug) }
        return link
    }

    private static func notFound(_ slug: String) -> Problem {
        .notFound("no link has the slug '\(slug)'")
    }

    private static func location(of link: Link) -> String {
        "/api/v1/links/\(link.slug)"
    }
}
