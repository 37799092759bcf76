import API
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing

@Suite struct RedirectTests {
    static let browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    static let onSite = AppConfiguration(siteHosts: try! SiteHosts(parsing: "example.com,*.example.com"))

    static func visit(
        _ api: TestAPI, _ path: String, method: HTTPRequest.Method = .get, userAgent: String? = browser,
        referer: String? = "https://example.com/blog/post", extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let userAgent { headers[.userAgent] = userAgent }
        if let referer { headers[.referer] = referer }
        return try await api.send(method, path, headers: headers)
    }

    @Test(arguments: [301, 302, 307, 308])
    func anActiveLinkRedirectsWithItsStatusAndPrivateHeaders(_ status: Int) async throws {
        try await TestService.run(configuration: Self.onSite) { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/deal?a=1","redirect_status":\#(status)}"#)
            let response = try await Self.visit(api, "/go/deal", extra: [.cookie: "_ga=GA1.1.123.456"])
            #expect(Int(response.status.code) == status)
            #expect(response.headers[.location] == "https://shop.example/deal?a=1")
            #expect(response.headers[.cacheControl] == "private, no-store")
            #expect(response.headers[HTTPField.Name("X-Robots-Tag")!] == "noindex, nofollow")
            #expect(response.headers[.setCookie] == nil)
            #expect(response.body.readableBytes == 0)
        }
    }

    @Test func aTrailingSlashAndAHeadRequestRedirectToo() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(configuration: Self.onSite, database: database) { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            let slash = try await Self.visit(api, "/go/deal/")
            #expect(slash.status == .found)
            #expect(slash.headers[.location] == "https://shop.example/")
            let head = try await Self.visit(api, "/go/deal", method: .head)
            #expect(head.status == .found)
            #expect(head.headers[.location] == "https://shop.example/")
            #expect(head.headers[.cacheControl] == "private, no-store")
            #expect(head.body.readableBytes == 0)
        }
        #expect(try await database.clickRows().map(\.reason) == ["ok", "head"])
    }

    @Test func forwardQueryAppendsTheRequestsQueryOnlyWhenAsked() async throws {
        try await TestService.run(configuration: Self.onSite) { api in
            try await api.createLink(#"{"slug":"fwd","url":"https://shop.example/p?ref=cms#top","forward_query":true}"#)
            try await api.createLink(#"{"slug":"keep","url":"https://shop.example/p"}"#)
            let forwarded = try await Self.visit(api, "/go/fwd?utm_source=news&q=a%20b")
            #expect(forwarded.headers[.location] == "https://shop.example/p?ref=cms&utm_source=news&q=a%20b#top")
            let kept = try await Self.visit(api, "/go/keep?utm_source=news")
            #expect(kept.headers[.location] == "https://shop.example/p")
        }
    }

    @Test func unknownInactiveAndMalformedSlugsAnswer404AndRecordNothing() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(configuration: Self.onSite, database: database) { api in
            try await api.createLink(#"{"slug":"off","url":"https://shop.example/","active":false}"#)
            for path in ["/go/missing", "/go/off", "/go/UPPER", "/go/" + String(repeating: "a", count: 64)] {
                let page = try await Self.visit(api, path, extra: [.accept: "text/html,*/*"])
                #expect(page.status == .notFound)
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: page.body).contains("Link not found"))
                let json = try await Self.visit(api, path, extra: [.accept: "application/json"])
                #expect(json.status == .notFound)
                _ = try json.problem()
            }
        }
        #expect(try await database.clickRows().isEmpty)
    }

    @Test func linkWritesReachTheRedirectAtOnce() async throws {
        try await TestService.run(configuration: Self.onSite) { api in
            #expect(try await Self.visit(api, "/go/later").status == .notFound)
            try await api.createLink(#"{"slug":"later","url":"https://shop.example/one"}"#)
            #expect(try await Self.visit(api, "/go/later").headers[.location] == "https://shop.example/one")
            _ = try await api.admin(.patch, "/api/v1/links/later", json: #"{"url":"https://shop.example/two","redirect_status":301}"#)
            let changed = try await Self.visit(api, "/go/later")
            #expect(changed.status == .movedPermanently)
            #expect(changed.headers[.location] == "https://shop.example/two")
            _ = try await api.admin(.patch, "/api/v1/links/later", json: #"{"active":false}"#)
            #expect(try await Self.visit(api, "/go/later").status == .notFound)
            _ = try await api.admin(.put, "/api/v1/links/later", json: #"{"url":"https://shop.example/three"}"#)
            #expect(try await Self.visit(api, "/go/later").headers[.location] == "https://shop.example/three")
            _ = try await api.admin(.delete, "/api/v1/links/later")
            #expect(try await Self.visit(api, "/go/later").status == .notFound)
        }
    }

    @Test func theFallbackURLTakesUnknownAndInactiveSlugsWithA302() async throws {
        var configuration = Self.onSite
        configuration.fallbackURL = "https://example.com/deals"
        let database = try await TestDatabase.make()
        try await TestService.run(configuration: configuration, database: database) { api in
            try await api.createLink(#"{"slug":"off","url":"https://shop.example/","active":false,"redirect_status":301}"#)
            for path in ["/go/missing", "/go/off"] {
                let response = try await Self.visit(api, path)
                #expect(response.status == .found)
                #expect(response.headers[.location] == "https://example.com/deals")
                #expect(response.headers[.cacheControl] == "private, no-store")
            }
        }
        #expect(try await database.clickRows().isEmpty)
    }

    @Test func everyHitIsLoggedWithItsReasonAndOnlyHonestOnesCount() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(configuration: Self.onSite, database: database) { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            let hits: [(HTTPRequest.Method, String?, String?, HTTPFields)] = [
                (.get, Self.browser, "https://www.example.com/blog?utm_source=news&utm_medium=email&gclid=g1", [:]),
                (.head, Self.browser, "https://example.com/", [:]),
                (.get, Self.browser, "https://example.com/", [HTTPField.Name("Sec-Purpose")!: "prefetch;prerender"]),
                (.get, Self.browser, "https://example.com/", [HTTPField.Name("Purpose")!: "prefetch"]),
                (.get, "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "https://example.com/", [:]),
                (.get, nil, "https://example.com/", [:]),
                (.get, Self.browser, nil, [:]),
                (.get, Self.browser, "not a url", [:]),
                (.get, Self.browser, "https://news.example.org/article?id=5", [:]),
            ]
            for (method, userAgent, referer, extra) in hits {
                let response = try await Self.visit(api, "/go/deal", method: method, userAgent: userAgent, referer: referer, extra: extra)
                #expect(response.status == .found)
            }
            _ = try await Self.visit(api, "/go/deal?utm_source=partner&utm_campaign=spring", referer: "https://example.com/?utm_source=ignored")
        }
        let rows = try await database.clickRows()
        #expect(rows.map(\.reason) == [
            "ok", "head", "prefetch", "prefetch", "bot", "bot", "no_referer", "no_referer", "external_referer", "ok",
        ])
        #expect(rows.map(\.referer_class) == [
            "internal", "internal", "internal", "internal", "internal", "internal", "none", "none", "external", "internal",
        ])
        #expect(rows[0].referer == "https://www.example.com/blog")
        #expect(rows[0].utm_source == "news")
        #expect(rows[0].utm_medium == "email")
        #expect(rows[0].gclid == "g1")
        #expect(rows[8].referer == "https://news.example.org/article")
        #expect(rows[9].utm_source == "partner")
        #expect(rows[9].utm_campaign == "spring")
        #expect(rows.allSatisfy { $0.ga_status == "not_applicable" })
        #expect(rows.filter(\.counted).count == 2)
        #expect(try await database.clickCount(slug: "deal") == 2)
        #expect(try await database.bucketHits() == ["ok": 2, "head": 1, "prefetch": 2, "bot": 2, "no_referer": 2, "external_referer": 1])
    }

    @Test func theGoURLAndTheRefererDecodeACampaignAlike() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(configuration: Self.onSite, database: database) { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            _ = try await Self.visit(api, "/go/deal?utm%5Fsource=mail&utm_campaign=summer+sale")
            _ = try await Self.visit(api, "/go/deal", referer: "https://example.com/?utm%5Fsource=mail&utm_campaign=summer+sale")
        }
        let rows = try await database.clickRows()
        #expect(rows.map(\.utm_source) == ["mail", "mail"])
        #expect(rows.map(\.utm_campaign) == ["summer sale", "summer sale"])
    }

    @Test func deletingALinkDeletesItsClicksAndAggregates() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(configuration: Self.onSite, database: database) { api in
            try await api.createLink(#"{"slug":"gone","url":"https://shop.example/"}"#)
            try await api.createLink(#"{"slug":"kept","url":"https://shop.example/"}"#)
            _ = try await Self.visit(api, "/go/gone")
            _ = try await Self.visit(api, "/go/kept")
            // The writer runs behind the redirect: wait (bounded) until both clicks are stored.
            for _ in 0..<200 where try await database.clickRows().count < 2 {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try await database.clickRows().count == 2)
            #expect(try await api.admin(.delete, "/api/v1/links/gone").status == .noContent)
        }
        #expect(try await database.clickRows().count == 1)
        #expect(try await database.bucketHits() == ["ok": 1])
    }

    @Test func withoutSiteHostsTheRequestsOwnHostIsTheSite() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(database: database) { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            let port = try #require(api.client.port)
            try await LoopbackClient.withClient { client in
                // The client sends `Host: localhost:<port>`; the referer's port does not matter.
                for referer in ["http://LOCALHOST:1/page", "https://shop.example/page"] {
                    _ = try await LoopbackClient.get(
                        client, "http://localhost:\(port)/go/deal", headers: [("User-Agent", Self.browser), ("Referer", referer)])
                }
            }
        }
        #expect(try await database.clickRows().map(\.reason) == ["ok", "external_referer"])
    }

    @Test func forwardedHostsAreBelievedOnlyFromTrustedProxies() async throws {
        for (trusted, expected) in [(false, "external_referer"), (true, "ok")] {
            var configuration = AppConfiguration()
            if trusted { configuration.trustedProxies = try TrustedProxies(parsing: "127.0.0.0/8, ::1") }
            let database = try await TestDatabase.make()
            try await TestService.run(configuration: configuration, database: database) { api in
                try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
                _ = try await Self.visit(api, "/go/deal", referer: "https://blog.example/post", extra: [HTTPField.Name("X-Forwarded-Host")!: "blog.example"])
                _ = try await Self.visit(api, "/go/deal", referer: "https://blog.example/post", extra: [HTTPField.Name("Forwarded")!: #"for=1.2.3.4;host="blog.example";proto=https"#])
            }
            #expect(try await database.clickRows().map(\.reason) == [expected, expected])
        }
    }

    @Test func aBurstOf500ConcurrentCountedClicksIsCountedExactlyOnceEach() async throws {
        let database = try await TestDatabase.makeReopenable()
        try await TestService.run(configuration: Self.onSite, database: database) { api in
            try await api.createLink(#"{"slug":"burst","url":"https://shop.example/"}"#)
            let port = try #require(api.client.port)
            let statuses = try await LoopbackClient.withClient { client in
                try await withThrowingTaskGroup(of: UInt.self) { group in
                    for _ in 0..<500 {
                        group.addTask {
                            try await LoopbackClient.get(
                                client, "http://127.0.0.1:\(port)/go/burst",
                                headers: [("User-Agent", Self.browser), ("Referer", "https://example.com/page")])
                        }
                    }
                    return try await group.reduce(into: [UInt]()) { $0.append($1) }
                }
            }
            #expect(statuses.count == 500)
            #expect(statuses.allSatisfy { $0 == 302 })
        }
        // The service has shut down gracefully: the writer drained its queue before it returned.
        #expect(try await database.clickCount(slug: "burst") == 500)
        #expect(try await database.clickRows().filter(\.counted).count == 500)
        #expect(try await database.bucketHits() == ["ok": 500])
    }

    @Test func noPersonalDataReachesTheDatabase() async throws {
        let database = try await TestDatabase.makeReopenable()
        try await TestService.run(configuration: Self.onSite, database: database) { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            for userAgent in [Self.browser + " UAMARKER7", "UAMARKER7bot/1.0"] {
                _ = try await Self.visit(
                    api, "/go/deal", userAgent: userAgent,
                    referer: "https://PATHMARKER7.example.com/article?email=QUERYMARKER7%40mail.example&id=1#FRAGMARKER7",
                    extra: [
                        HTTPField.Name("X-Forwarded-For")!: "203.0.113.77, IPMARKER7",
                        .cookie: "_ga=GA1.1.COOKIEMARKER7.1; session=COOKIEMARKER7",
                        HTTPField.Name("X-Real-IP")!: "IPMARKER7",
                    ])
            }
        }
        let text = try await database.everythingStored().lowercased()
        // The referer's host is kept (scheme, host and path): proof the scan sees what was written.
        #expect(text.contains("pathmarker7.example.com/article"))
        for marker in ["uamarker7", "querymarker7", "fragmarker7", "ipmarker7", "cookiemarker7", "203.0.113.77", "127.0.0.1"] {
            #expect(!text.contains(marker), "\(marker) reached the database")
        }
    }
}
