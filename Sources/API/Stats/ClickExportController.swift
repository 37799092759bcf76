import Domain
import Foundation
import Hummingbird
import NIOCore

/// `GET /api/v1/clicks`: the raw click log of a range as NDJSON or CSV (openapi.yaml), streamed
/// page by page so memory stays flat however long the range.
struct ClickExportController {
    let clickLog: any ClickLogRepository
    let links: any LinkRepository
    /// Rows per database read and per write to the connection (a few hundred kB).
    static let pageSize = 1_000

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("clicks", use: export)
    }

    @Sendable func export(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.principal.require(.statsRead)
        let format = try ClickExportFormat.negotiate(request.headers[.accept])
        let query = QueryParameters(request).values
        let bounds = try StatsQuery.bounds(query)
        var filter = ClickLogFilter(from: bounds.from, to: bounds.to)
        if let slug = query["slug"] {
            guard Slug.isValid(slug), let link = try await links.find(slug: slug) else {
                throw Problem.notFound("no link has the slug '\(slug)'")
            }
            filter.linkID = link.id
        }
        // The first page is read before the status is sent, so a database that is down still
        // answers with a problem instead of a 200 cut short.
        let first = try await clickLog.clicks(filter, after: nil, limit: Self.pageSize)
        let clickLog = self.clickLog
        let body = ResponseBody { [filter] writer in
            let encoder = ClickExportRows.makeEncoder()
            var buffer = ByteBuffer()
            if format == .csv { buffer.writeString(ClickExportRows.csvHeader) }
            var page = first
            while true {
                switch format {
                case .ndjson: try ClickExportRows.writeNDJSON(page, encoder: encoder, into: &buffer)
                case .csv: try ClickExportRows.writeCSV(page, encoder: encoder, into: &buffer)
                }
                // Waits while the client reads slowly: the connection's back-pressure bounds memory.
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
                buffer.clear()
                guard page.count == Self.pageSize, let last = page.last else { break }
                page = try await clickLog.clicks(filter, after: last.position, limit: Self.pageSize)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: format.contentType, .cacheControl: "no-store"], body: body)
    }
}
