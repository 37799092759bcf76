import Domain
import Foundation
import Hummingbird
import NIOCore

/// `POST /api/v1/links/import` and `GET /api/v1/links/export`: many links in one request, as
/// NDJSON or CSV (openapi.yaml). What export writes, import takes back unchanged.
struct LinkBulkController<Links: LinkRepository> {
    static var maxLinks: Int { 10_000 }
    static var maxBytes: Int { 10 << 20 }
    /// Links per database read while exporting.
    static var exportPage: Int { 500 }

    let links: Links

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("links/import", use: importLinks)
        group.get("links/export", use: export)
    }

    struct ImportAnswer: Encodable {
        var created: Int
        var replaced: Int
        /// Lines not written.
        var failed: Int
        var errors: [LinkFile.LineError]

        init(created: Int = 0, replaced: Int = 0, errors: [LinkFile.LineError]) {
            self.created = created
            self.replaced = replaced
            self.errors = errors.sorted { ($0.line, $0.field ?? "") < ($1.line, $1.field ?? "") }
            failed = Set(errors.map(\.line)).count
        }
    }

    /// The 422 of an import that wrote nothing: problem details with the answer's members, so a
    /// client reads either.
    struct RefusedImport: Encodable {
        var type = Problem.typePrefix + "validation"
        var title = "Invalid input"
        var status = 422
        var detail: String
        var created: Int
        var replaced: Int
        var failed: Int
        var errors: [LinkFile.LineError]

        init(_ answer: ImportAnswer) {
            detail = "\(answer.failed) of the lines cannot be imported, so nothing was written (atomic=false writes the others)"
            (created, replaced, failed, errors) = (answer.created, answer.replaced, answer.failed, answer.errors)
        }
    }

    @Sendable func importLinks(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.principal.require(.linksWrite)
        let query = QueryParameters(request).values
        let replacing: Bool
        switch query["mode"] ?? "create" {
        case "create": replacing = false
        case "upsert": replacing = true
        default: throw Problem.badRequest("mode must be create or upsert")
        }
        guard let atomic = Bool(query["atomic"] ?? "true") else { throw Problem.badRequest("atomic must be true or false") }
        try JSONBody.requireMediaType(of: request, in: ["application/x-ndjson", "text/csv"])
        let isCSV = request.headers[.contentType]?.lowercased().hasPrefix("text/csv") ?? false
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maxBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Problem(status: .contentTooLarge, detail: "an import holds at most 10 MiB; split the file")
        }
        let text = String(decoding: body.readableBytesView, as: UTF8.self)
        let file = isCSV ? LinkFile.csv(text) : LinkFile.ndjson(text)
        // A header that names no field of a link would drop that column's values from every line.
        if !file.headerErrors.isEmpty { return try refused(file.headerErrors) }
        let lines = file.lines
        var errors = file.errors
        guard lines.count <= Self.maxLinks else {
            throw Problem(status: .contentTooLarge, detail: "an import holds at most \(Self.maxLinks) links; this one has \(lines.count)")
        }

        var drafts: [(line: Int, draft: LinkDraft)] = []
        var firstLineOfSlug: [String: Int] = [:]
        for line in lines {
            do {
                let draft = try LinkInput.draft(from: line.object)
                if let first = firstLineOfSlug[draft.slug] {
                    errors.append(LinkFile.LineError(line: line.number, field: "slug", message: "is on line \(first) too"))
                    continue
                }
                firstLineOfSlug[draft.slug] = line.number
                drafts.append((line.number, draft))
            } catch {
                errors += error.problems.map { LinkFile.LineError(line: line.number, field: $0.field, message: $0.message) }
            }
        }
        if atomic, !errors.isEmpty { return try refused(errors) }

        let outcomes = try await links.importLinks(drafts.map(\.draft), replacing: replacing, allOrNothing: atomic)
        for (entry, outcome) in zip(drafts, outcomes) where outcome == .taken {
            errors.append(LinkFile.LineError(line: entry.line, field: "slug", message: "is taken; mode=upsert replaces existing links"))
        }
        // Nothing written and something wrong: whatever `atomic` says, the import did not happen.
        if atomic || outcomes.allSatisfy({ $0 == .taken }), !errors.isEmpty { return try refused(errors) }
        let answer = ImportAnswer(
            created: outcomes.filter { $0 == .created }.count, replaced: outcomes.filter { $0 == .replaced }.count, errors: errors)
        return try json(answer, status: .ok, contentType: "application/json")
    }

    private func refused(_ errors: [LinkFile.LineError]) throws -> Response {
        try json(RefusedImport(ImportAnswer(errors: errors)), status: .unprocessableContent, contentType: "application/problem+json")
    }

    private func json(_ value: some Encodable, status: HTTPResponse.Status, contentType: String) throws -> Response {
        let body = try ClickExportRows.makeEncoder().encode(value)
        return Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// Every link, oldest first, streamed a page at a time.
    @Sendable func export(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.principal.require(.linksRead)
        let format = try ClickExportFormat.negotiate(request.headers[.accept])
        // Read before the status is sent: a database that is down answers with a problem.
        let first = try await links.list(LinkFilter(), after: nil, limit: Self.exportPage)
        let links = self.links
        let body = ResponseBody { writer in
            let encoder = ClickExportRows.makeEncoder()
            var buffer = ByteBuffer()
            if format == .csv { buffer.writeString(LinkFile.columns.joined(separator: ",") + "\r\n") }
            var page = first
            while true {
                let now = Date()
                for link in page.items {
                    let response = LinkResponse(link, now: now)
                    switch format {
                    case .ndjson:
                        buffer.writeBytes(try encoder.encode(response))
                        buffer.writeInteger(UInt8(ascii: "\n"))
                    case .csv:
                        buffer.writeString(try LinkFile.csvRecord(response, encoder: encoder))
                    }
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
                buffer.clear()
                guard let next = page.nextAfter else { break }
                page = try await links.list(LinkFilter(), after: next, limit: Self.exportPage)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: format.contentType, .cacheControl: "no-store"], body: body)
    }
}
