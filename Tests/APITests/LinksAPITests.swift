import API
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct LinksAPITests {
    @Test func createAnswers201WithLocationAndTheFullLink() async throws {
        try await TestService.run { api in
            let response = try await api.admin(
                .post, "/api/v1/links", json: #"{"slug":"summer-sale","name":"Summer","url":"https://shop.example/s?a=1","tags":["x"]}"#)
            #expect(response.status == .created)
            #expect(response.headers[.location] == "/api/v1/links/summer-sale")
            let link = try response.jsonObject()
            #expect(Set(link.keys) == [
                "id", "slug", "name", "url", "active", "redirect_status", "forward_query", "tags", "click_count",
                "created_at", "updated_at", "starts_at", "expires_at", "max_clicks", "expired_url", "destinations", "rules", "state",
            ])
            #expect(["starts_at", "expires_at", "max_clicks", "expired_url", "destinations", "rules"].allSatisfy { link[$0] is NSNull })
            #expect(link["state"] as? String == "live")
            #expect(link["url"] as? String == "https://shop.example/s?a=1")
            #expect(link["active"] as? Bool == true)
            #expect(link["redirect_status"] as? Int == 302)
            #expect(link["forward_query"] as? Bool == false)
            #expect(link["click_count"] as? Int == 0)
            let created = try #require(link["created_at"] as? String)
            #expect(created.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)

            let fetched = try await api.admin(.get, "/api/v1/links/summer-sale")
            #expect(fetched.status == .ok)
            #expect(NSDictionary(dictionary: try fetched.jsonObject()) == NSDictionary(dictionary: link))
        }
    }

    @Test func aTakenSlugAnswers409AndKeepsTheOriginal() async throws {
        try await TestService.run { api in
            try await api.createLink(#"{"slug":"a","url":"https://first.example"}"#)
            let response = try await api.admin(.post, "/api/v1/links", json: #"{"slug":"a","url":"https://second.example"}"#)
            #expect(response.status == .conflict)
            #expect(try response.problem()["type"] as? String == "urn:clicktrail:problem:conflict")
            let kept = try await api.admin(.get, "/api/v1/links/a").jsonObject()
            #expect(kept["url"] as? String == "https://first.example")
        }
    }

    @Test func invalidFieldsAnswer422NamingEachField() async throws {
        try await TestService.run { api in
            let response = try await api.admin(
                .post, "/api/v1/links",
                json: #"{"slug":"Bad Slug","url":"javascript:alert(1)","redirect_status":200,"active":"yes","colour":"red"}"#)
            #expect(response.status == .unprocessableContent)
            let problem = try response.problem()
            let fields = (problem["errors"] as? [[String: String]] ?? []).compactMap { $0["field"] }
            #expect(Set(fields) == ["slug", "url", "redirect_status", "active", "colour"])
            let listing = try await api.admin(.get, "/api/v1/links").jsonObject()
            #expect((listing["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func missingRequiredFieldsAnswer422() async throws {
        try await TestService.run { api in
            let response = try await api.admin(.post, "/api/v1/links", json: "{}")
            #expect(response.status == .unprocessableContent)
            let fields = (try response.problem()["errors"] as? [[String: String]] ?? []).compactMap { $0["field"] }
            #expect(fields == ["slug", "url"])
        }
    }

    @Test(arguments: [
        "{", #"{"slug": }"#, "[1,2]", "\"text\"", "null", "",
        // RFC 8259 only: what lenient parsers accept is still a 400, not a guess.
        #"{"slug": "x", "url": "https://shop.example/",}"#, #"{"slug": "x", "url": "https://shop.example/", "tags": ["a",]}"#,
        #"{"slug": "x" /* note */, "url": "https://shop.example/"}"#, #"{'slug': 'x'}"#,
    ])
    func malformedOrNonObjectJSONAnswers400(_ body: String) async throws {
        try await TestService.run { api in
            let response = try await api.admin(.post, "/api/v1/links", json: body)
            #expect(response.status == .badRequest)
            _ = try response.problem()
        }
    }

    @Test func aBodyThatIsNotJSONAnswers415() async throws {
        try await TestService.run { api in
            let response = try await api.admin(.post, "/api/v1/links", json: "slug=a", contentType: "application/x-www-form-urlencoded")
            #expect(response.status == .unsupportedMediaType)
            _ = try response.problem()
        }
    }

    @Test func aBodyOverOneMebibyteAnswers413() async throws {
        try await TestService.run { api in
            let padding = String(repeating: "a", count: 1 << 20)
            let response = try await api.admin(.post, "/api/v1/links", json: #"{"slug":"big","url":"https://x.example","name":"\#(padding)"}"#)
            #expect(response.status == .contentTooLarge)
            _ = try response.problem()
            #expect(try await api.admin(.get, "/api/v1/links/big").status == .notFound)
        }
    }

    @Test func putCreatesThenReplacesResettingOmittedFieldsAndKeepingIdentity() async throws {
        try await TestService.run { api in
            let created = try await api.admin(
                .put, "/api/v1/links/deal", json: #"{"url":"https://a.example","name":"Deal","tags":["t"],"redirect_status":301}"#)
            #expect(created.status == .created)
            #expect(created.headers[.location] == "/api/v1/links/deal")
            let first = try created.jsonObject()

            let replaced = try await api.admin(.put, "/api/v1/links/deal", json: #"{"slug":"deal","url":"https://b.example"}"#)
            #expect(replaced.status == .ok)
            let second = try replaced.jsonObject()
            #expect(second["id"] as? Int == first["id"] as? Int)
            #expect(second["created_at"] as? String == first["created_at"] as? String)
            #expect(second["url"] as? String == "https://b.example")
            #expect(second["name"] as? String == "deal")
            #expect(second["redirect_status"] as? Int == 302)
            #expect((second["tags"] as? [String])?.isEmpty == true)

            // Idempotent: the same PUT again changes nothing a client sees but the update time.
            let again = try await api.admin(.put, "/api/v1/links/deal", json: #"{"url":"https://b.example"}"#)
            #expect(again.status == .ok)
            #expect(try again.jsonObject()["url"] as? String == "https://b.example")
        }
    }

    @Test func putAcceptsAFetchedLinkAsItsBody() async throws {
        try await TestService.run { api in
            try await api.createLink(#"{"slug":"round","url":"https://a.example","tags":["x"]}"#)
            let fetched = String(buffer: try await api.admin(.get, "/api/v1/links/round").body)
            let response = try await api.admin(.put, "/api/v1/links/round", json: fetched)
            #expect(response.status == .ok)
            #expect(try response.jsonObject()["tags"] as? [String] == ["x"])
        }
    }

    @Test func putNamesTheLinkByItsPathAndIgnoresABodySlug() async throws {
        try await TestService.run { api in
            try await api.createLink(#"{"slug":"one","url":"https://a.example"}"#)
            let copy = String(buffer: try await api.admin(.get, "/api/v1/links/one").body)
            let response = try await api.admin(.put, "/api/v1/links/two", json: copy)
            #expect(response.status == .created)
            #expect(try response.jsonObject()["slug"] as? String == "two")
            #expect(try await api.admin(.get, "/api/v1/links/one").status == .ok)
        }
    }

    @Test func patchMergesResetsWithNullAndNeverRenames() async throws {
        try await TestService.run { api in
            try await api.createLink(#"{"slug":"p","name":"Name","url":"https://a.example","tags":["a","b"],"redirect_status":307}"#)
            let patched = try await api.admin(
                .patch, "/api/v1/links/p", json: #"{"active":false,"redirect_status":null}"#, contentType: "application/merge-patch+json")
            #expect(patched.status == .ok)
            let link = try patched.jsonObject()
            #expect(link["active"] as? Bool == false)
            #expect(link["redirect_status"] as? Int == 302)
            #expect(link["name"] as? String == "Name")
            #expect(link["tags"] as? [String] == ["a", "b"])

            let renamed = try await api.admin(.patch, "/api/v1/links/p", json: #"{"slug":"q","name":"New"}"#)
            #expect(renamed.status == .ok)
            #expect(try renamed.jsonObject()["slug"] as? String == "p")
            #expect(try await api.admin(.get, "/api/v1/links/p").jsonObject()["name"] as? String == "New")
            #expect(try await api.admin(.get, "/api/v1/links/q").status == .notFound)
        }
    }

    @Test func patchErrorsLeaveTheLinkUnchanged() async throws {
        try await TestService.run { api in
            try await api.createLink(#"{"slug":"p","url":"https://a.example"}"#)
            let badType = try await api.admin(.patch, "/api/v1/links/p", json: #"{"url":42}"#)
            #expect(badType.status == .unprocessableContent)
            let badURL = try await api.admin(.patch, "/api/v1/links/p", json: #"{"url":"ftp://x.example"}"#)
            #expect(badURL.status == .unprocessableContent)
            let malformed = try await api.admin(.patch, "/api/v1/links/p", json: #"{"url":"#, contentType: "application/merge-patch+json")
            #expect(malformed.status == .badRequest)
            let wrongType = try await api.admin(.patch, "/api/v1/links/p", json: "active=false", contentType: "text/plain")
            #expect(wrongType.status == .unsupportedMediaType)
            let missing = try await api.admin(.patch, "/api/v1/links/nope", json: #"{"active":false}"#)
            #expect(missing.status == .notFound)
            _ = try missing.problem()
            let link = try await api.admin(.get, "/api/v1/links/p").jsonObject()
            #expect(link["url"] as? String == "https://a.example")
        }
    }

    @Test func deletingALinkTwiceAnswers404() async throws {
        try await TestService.run { api in
            try await api.createLink(#"{"slug":"gone","url":"https://a.example"}"#)
            let first = try await api.admin(.delete, "/api/v1/links/gone")
            #expect(first.status == .noContent)
            #expect(first.body.readableBytes == 0)
            let second = try await api.admin(.delete, "/api/v1/links/gone")
            #expect(second.status == .notFound)
            #expect(try second.problem()["detail"] as? String == "no link has the slug 'gone'")
        }
    }

    @Test func listFiltersByActiveTagAndQuery() async throws {
        try await TestService.run { api in
            try await api.createLink(#"{"slug":"shoes","name":"Running Shoes","url":"https://a.example","tags":["sport"]}"#)
            try await api.createLink(#"{"slug":"hats","url":"https://hats.example","active":false,"tags":["sport","winter"]}"#)
            try await api.createLink(#"{"slug":"books","url":"https://c.example"}"#)

            func slugs(_ query: String) async throws -> [String] {
                let response = try await api.admin(.get, "/api/v1/links" + query)
                #expect(response.status == .ok)
                return (try response.jsonObject()["items"] as? [[String: Any]] ?? []).compactMap { $0["slug"] as? String }
            }
            #expect(try await slugs("") == ["shoes", "hats", "books"])
            #expect(try await slugs("?active=false") == ["hats"])
            #expect(try await slugs("?tag=sport") == ["shoes", "hats"])
            #expect(try await slugs("?q=RUNNING%20shoes") == ["shoes"])
            #expect(try await slugs("?q=hats.example&tag=winter") == ["hats"])
        }
    }

    @Test func paginationWalksEveryLinkOnceWithOpaqueCursors() async throws {
        try await TestService.run { api in
            for index in 0..<7 { try await api.createLink(#"{"slug":"l\#(index)","url":"https://a.example"}"#) }
            var seen: [String] = []
            var path = "/api/v1/links?limit=3"
            var pages = 0
            while true {
                let page = try await api.admin(.get, path).jsonObject()
                pages += 1
                seen += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["slug"] as? String }
                guard let cursor = page["next_cursor"] as? String else {
                    #expect(page["next_cursor"] is NSNull)
                    break
                }
                path = "/api/v1/links?limit=3&cursor=\(cursor)"
            }
            #expect(seen == (0..<7).map { "l\($0)" })
            #expect(pages == 3)
        }
    }

    @Test(arguments: [
        "?limit=0", "?limit=501", "?limit=ten", "?cursor=garbage!", "?cursor=", "?cursor=v1.-3", "?active=maybe",
        "?q=" + String(repeating: "a", count: 201), "?q=" + String(repeating: "%25", count: 5_000),
    ])
    func badListParametersAnswer400(_ query: String) async throws {
        try await TestService.run { api in
            let response = try await api.admin(.get, "/api/v1/links" + query)
            #expect(response.status == .badRequest)
            _ = try response.problem()
        }
    }

    @Test func unknownSlugAnswers404Problem() async throws {
        try await TestService.run { api in
            let response = try await api.admin(.get, "/api/v1/links/missing")
            #expect(response.status == .notFound)
            #expect(try response.problem()["detail"] as? String == "no link has the slug 'missing'")
        }
    }
}
