import API
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Synchronization
import TestSupport
import Testing

/// Many links in one request: NDJSON and CSV imports, all or nothing or line by line, and an
/// export that imports back unchanged.
@Suite struct LinkBulkAPITests {
    static func importing(_ api: TestAPI, _ body: String, query: String = "", csv: Bool = false) async throws -> TestResponse {
        try await api.admin(.post, "/api/v1/links/import" + query, json: body, contentType: csv ? "text/csv" : "application/x-ndjson")
    }

    static func export(_ api: TestAPI, csv: Bool = false) async throws -> String {
        let response = try await api.send(
            .get, "/api/v1/links/export", token: try await api.token(.linksRead),
            headers: [.accept: csv ? "text/csv" : "application/x-ndjson"])
        #expect(response.status == .ok)
        return String(buffer: response.body)
    }

    /// The link JSON without what the service assigns (id, counts, times).
    static func editable(_ ndjson: String) throws -> [NSDictionary] {
        try ndjson.split(separator: "\n").map { line in
            var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for name in ["id", "click_count", "created_at", "updated_at"] { object.removeValue(forKey: name) }
            return object as NSDictionary
        }
    }

    @Test func tenThousandLinksArriveInOneRequest() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(database: database) { api in
            let body = (0..<10_000).map { #"{"slug":"bulk-\#($0)","url":"https://shop.example/p/\#($0)","tags":["bulk"]}"# }.joined(separator: "\n")
            let started = ContinuousClock.now
            let response = try await Self.importing(api, body)
            let elapsed = ContinuousClock.now - started
            #expect(response.status == .ok)
            let answer = try response.jsonObject()
            #expect(answer["created"] as? Int == 10_000 && answer["replaced"] as? Int == 0 && answer["failed"] as? Int == 0)
            #expect((answer["errors"] as? [Any])?.isEmpty == true)
            #expect(try await database.int("SELECT COUNT(*) FROM link") == 10_000)
            #expect(try await api.admin(.get, "/api/v1/links/bulk-9999").status == .ok)
            print("imported 10,000 links in \(elapsed) on \(database.backend)")

            let tooMany = body + "\n" + #"{"slug":"one-more","url":"https://shop.example/"}"#
            #expect(try await Self.importing(api, tooMany, query: "?mode=upsert").status == .contentTooLarge)
        }
    }

    @Test func threeBadLinesAreNamedAndNothingIsWrittenUnlessAtomicIsFalse() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(database: database) { api in
            try await api.createLink(#"{"slug":"taken","url":"https://shop.example/old"}"#)
            let body = """
                {"slug":"good-1","url":"https://shop.example/1"}
                {"slug":"Bad Slug","url":"https://shop.example/2"}

                {"slug":"good-2","url":"https://shop.example/3","max_clicks":0}
                not json
                {"slug":"good-3","url":"https://shop.example/4","destinations":[{"url":"https://a.example","weight":1},{"url":"https://b.example","weight":2}]}
                """
            let refused = try await Self.importing(api, body)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.headers[.contentType] == "application/problem+json")
            let answer = try refused.jsonObject()
            let errors = try #require(answer["errors"] as? [[String: Any]])
            #expect(errors.map { $0["line"] as? Int } == [2, 4, 5])
            #expect(errors.map { $0["field"] as? String } == ["slug", "max_clicks", nil])
            #expect(answer["failed"] as? Int == 3 && answer["created"] as? Int == 0)
            #expect(try await database.int("SELECT COUNT(*) FROM link") == 1)

            let partial = try await Self.importing(api, body, query: "?atomic=false").jsonObject()
            #expect(partial["created"] as? Int == 2 && partial["failed"] as? Int == 3)
            #expect(try await database.strings("SELECT slug FROM link ORDER BY id") == ["taken", "good-1", "good-3"])

            // A taken slug: refused whole in create mode, replaced in upsert mode.
            let taken = #"{"slug":"taken","url":"https://shop.example/new"}"# + "\n" + #"{"slug":"fresh","url":"https://shop.example/f"}"#
            let conflict = try await Self.importing(api, taken)
            #expect(conflict.status == .unprocessableContent)
            #expect(try #require(try conflict.jsonObject()["errors"] as? [[String: Any]]).map { $0["line"] as? Int } == [1])
            #expect(try await database.int("SELECT COUNT(*) FROM link WHERE slug = 'fresh'") == 0)
            let upserted = try await Self.importing(api, taken, query: "?mode=upsert").jsonObject()
            #expect(upserted["created"] as? Int == 1 && upserted["replaced"] as? Int == 1)
            #expect(try await database.strings("SELECT url FROM link WHERE slug = 'taken'") == ["https://shop.example/new"])
            // The same slug twice in one file names the second line.
            let twice = try await Self.importing(api, taken + "\n" + #"{"slug":"fresh","url":"https://shop.example/g"}"#, query: "?mode=upsert")
            #expect(try #require(try twice.jsonObject()["errors"] as? [[String: Any]]).map { $0["line"] as? Int } == [3])
        }
    }

    @Test func badRequestsAreRefusedWithTheirStatus() async throws {
        try await TestService.run { api in
            #expect(try await Self.importing(api, "{}", query: "?mode=merge").status == .badRequest)
            #expect(try await Self.importing(api, "{}", query: "?atomic=maybe").status == .badRequest)
            #expect(try await api.admin(.post, "/api/v1/links/import", json: "[]").status == .unsupportedMediaType)
            let read = try await api.send(
                .post, "/api/v1/links/import", token: try await api.token(.linksRead), json: "{}", contentType: "application/x-ndjson")
            #expect(read.status == .forbidden)
            let huge = String(repeating: " ", count: 10 << 20 + 1)
            #expect(try await Self.importing(api, huge).status == .contentTooLarge)
            let unclosed = try await Self.importing(api, "slug,url\nx,\"https://a.example", csv: true)
            #expect(try #require(try unclosed.jsonObject()["errors"] as? [[String: Any]]).first?["line"] as? Int == 2)
            let unknown = try await Self.importing(api, "slug,url,colour\nx,https://a.example,red", csv: true)
            #expect(try #require(try unknown.jsonObject()["errors"] as? [[String: Any]]).first?["field"] as? String == "colour")
            let export = try await api.send(.get, "/api/v1/links/export", token: try await api.token(.linksRead), headers: [.accept: "text/html"])
            #expect(export.status == .notAcceptable)
            // A header naming no field refuses the file even line by line: its column would be lost.
            #expect(try await Self.importing(api, "null", query: "?atomic=false", csv: true).status == .unprocessableContent)
            // Nothing importable at all is no success either.
            #expect(try await Self.importing(api, "null", query: "?atomic=false").status == .unprocessableContent)
            // The bulk paths are not links: their slugs are reserved, and their methods are their own.
            let reserved = try await api.admin(.post, "/api/v1/links", json: #"{"slug":"export","url":"https://shop.example/"}"#)
            #expect(reserved.status == .unprocessableContent)
            #expect(try await api.admin(.delete, "/api/v1/links/export").headers[.allow] == "GET, HEAD")
            #expect(try await api.admin(.get, "/api/v1/links/import").headers[.allow] == "POST")
        }
    }

    static let awkward = #"""
        {"slug":"quoted","name":"Say \"hi\", then: leave","url":"https://shop.example/q?a=1,2","tags":["a b","c"],"forward_query":true}
        {"slug":"commas","name":"one, two, three","url":"https://shop.example/l","redirect_status":301,"active":false}
        {"slug":"formula","name":"=HYPERLINK(\"https://evil.example\")","url":"https://shop.example/f","tags":["-minus"],"max_clicks":5,"expired_url":"https://shop.example/gone","starts_at":"2026-01-01T00:00:00.000Z","expires_at":"2027-01-01T00:00:00.000Z"}
        {"slug":"routed","url":"https://shop.example/r","destinations":[{"url":"https://a.example/x","weight":1},{"url":"https://b.example/y","weight":3}],"rules":[{"device":"ios","language":null,"query":{"src":"mail"},"url":"https://apps.example/ios"}]}
        """#

    /// Names are one line (no control characters), so a line break in a CSV name is refused by
    /// name; line breaks inside a quoted cell are read as the cell's (here a pretty-printed rule).
    @Test func quotedLineBreaksInCSVAreCellContent() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(database: database) { api in
            let csv = "slug,name,url,rules\r\n"
                + "pretty,\"Say \"\"hi\"\", then, go\",https://shop.example/p,\"[\n  {\"\"device\"\": \"\"android\"\",\n   \"\"url\"\": \"\"https://apps.example/a\"\"}\n]\"\r\n"
                + "broken,\"two\nlines\",https://shop.example/b,\r\n"
            let refused = try await Self.importing(api, csv, csv: true)
            let errors = try #require(try refused.jsonObject()["errors"] as? [[String: Any]])
            #expect(errors.map { $0["line"] as? Int } == [6] && errors.map { $0["field"] as? String } == ["name"])
            let answer = try await Self.importing(api, csv, query: "?atomic=false", csv: true).jsonObject()
            #expect(answer["created"] as? Int == 1)
            let link = try await api.admin(.get, "/api/v1/links/pretty").jsonObject()
            #expect(link["name"] as? String == #"Say "hi", then, go"#)
            #expect((link["rules"] as? [[String: Any]])?.first?["device"] as? String == "android")
        }
    }

    @Test(arguments: [false, true])
    func anExportImportsIntoAnEmptyDatabaseAsTheSameLinks(csv: Bool) async throws {
        let exported = Mutex<String>("")
        let original = Mutex<String>("")
        try await TestService.run { api in
            let imported = try await Self.importing(api, Self.awkward)
            #expect(imported.status == .ok, "\(String(buffer: imported.body))")
            exported.withLock { $0 = "" }
            let text = try await Self.export(api, csv: csv)
            exported.withLock { $0 = text }
            let ndjson = try await Self.export(api)
            original.withLock { $0 = ndjson }
        }
        try await TestService.run { api in
            let response = try await Self.importing(api, exported.withLock { $0 }, csv: csv)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            #expect(try response.jsonObject()["created"] as? Int == 4)
            let again = try await Self.export(api)
            #expect(try Self.editable(again) == Self.editable(original.withLock { $0 }))
        }
        if csv {
            let text = exported.withLock { $0 }
            #expect(text.hasPrefix("slug,name,url,active,"))
            #expect(text.contains(#""'=HYPERLINK(""https://evil.example"")""#), "a formula is neutralised in the file")
        }
    }
}
