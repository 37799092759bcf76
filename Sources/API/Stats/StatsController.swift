import Domain
import Foundation
import Hummingbird

/// `/api/v1/stats/*`: link and page statistics for dashboards, from the aggregates (openapi.yaml).
struct StatsController {
    let stats: any StatsRepository
    let links: any LinkRepository
    /// How many top referers and top sources a link's stats list.
    static let topCount = 10

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("stats/links", use: linkTable)
        group.get("stats/links/{slug}", use: linkStats)
        group.get("stats/pages", use: pages)
        group.get("stats/overview", use: overview)
    }

    @Sendable func overview(_ request: Request, context: AuthenticatedContext) async throws -> OverviewStatsResponse {
        try context.principal.require(.statsRead)
        let query = QueryParameters(request).values
        let range = try StatsQuery.range(query)
        let (interval, starts) = try StatsQuery.series(query, over: range)
        let hits = try await stats.siteHits(from: range.from, to: range.to)
        return OverviewStatsResponse(range: range, interval: interval, starts: starts, hits: hits)
    }

    @Sendable func linkStats(_ request: Request, context: AuthenticatedContext) async throws -> LinkStatsResponse {
        try context.principal.require(.statsRead)
        let query = QueryParameters(request).values
        let range = try StatsQuery.range(query)
        let (interval, starts) = try StatsQuery.series(query, over: range)
        let slug = context.parameters.get("slug") ?? ""
        guard Slug.isValid(slug), let link = try await links.find(slug: slug) else {
            throw Problem.notFound("no link has the slug '\(slug)'")
        }
        let hits = try await stats.quarterHourHits(linkID: link.id, from: range.from, to: range.to)
        async let referers = stats.topReferers(linkID: link.id, from: range.from, to: range.to, limit: Self.topCount)
        async let sources = stats.topSources(linkID: link.id, from: range.from, to: range.to, limit: Self.topCount)
        async let routes = stats.routeTotals(linkID: link.id, from: range.from, to: range.to)
        return LinkStatsResponse(
            link: link, range: range, interval: interval, starts: starts, hits: hits,
            topReferers: try await referers, topSources: try await sources, routes: try await routes)
    }

    struct LinkRow: Encodable, Sendable {
        var slug: String
        var name: String
        var counted: Int
        var hits: Int
    }

    @Sendable func linkTable(_ request: Request, context: AuthenticatedContext) async throws -> ListResponse<LinkRow> {
        try context.principal.require(.statsRead)
        let query = QueryParameters(request).values
        let range = try StatsQuery.range(query)
        let page = try PageRequest(query: query)
        let sortByHits: Bool
        switch query["sort"] ?? "counted" {
        case "counted": sortByHits = false
        case "hits": sortByHits = true
        case let other: throw Problem.badRequest("sort must be counted or hits, not '\(other)'")
        }
        let rows = try await stats.linkTotals(from: range.from, to: range.to).sorted { a, b in
            let (x, y) = sortByHits ? (a.hits, b.hits) : (a.counted, b.counted)
            return x != y ? x > y : a.linkID < b.linkID
        }
        return Self.page(rows, page) { LinkRow(slug: $0.slug, name: $0.name, counted: $0.counted, hits: $0.hits) }
    }

    struct PageRow: Encodable, Sendable {
        var path: String
        var views: Int
        var clicks: Int
        /// Clicks per view, rounded to four decimals; 0 for a page without views.
        var ctr: Double
    }

    @Sendable func pages(_ request: Request, context: AuthenticatedContext) async throws -> ListResponse<PageRow> {
        try context.principal.require(.statsRead)
        let query = QueryParameters(request).values
        let range = try StatsQuery.range(query)
        let page = try PageRequest(query: query)
        let rows = try await stats.pageTotals(from: range.from, to: range.to).sorted { a, b in
            a.views != b.views ? a.views > b.views : a.path < b.path
        }
        return Self.page(rows, page) { row in
            PageRow(
                path: row.path, views: row.views, clicks: row.clicks,
                ctr: row.views == 0 ? 0 : (Double(row.clicks) / Double(row.views) * 10_000).rounded() / 10_000)
        }
    }

    /// Stats lists are computed whole and sorted by their numbers, so their cursor is a position:
    /// a page read while clicks arrive may repeat or skip a row whose rank moved.
    private static func page<Row, Item>(_ rows: [Row], _ page: PageRequest, _ item: (Row) -> Item) -> ListResponse<Item> {
        let offset = Int(min(page.after ?? 0, Int64(rows.count)))
        let slice = rows[offset..<min(offset + page.limit, rows.count)]
        let end = offset + slice.count
        return ListResponse(items: slice.map(item), next_cursor: end < rows.count ? PageRequest.encode(Int64(end)) : nil)
    }
}
