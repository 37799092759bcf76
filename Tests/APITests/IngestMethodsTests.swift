import API
import Domain
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import TestSupport
import Testing

/// Each method of openrpc.json through the live server, with its bad inputs.
@Suite struct IngestMethodsTests {
    static let browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    static let withTags = {
        var configuration = AppConfiguration()
        configuration.customTags = ["partner"]
        return configuration
    }()

    // MARK: clicks.ingest

    @Test func aClickIsClassifiedAndStoredLikeARedirectHit() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(configuration: Self.withTags, database: database) { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/deal"}"#)
            let visitor: [String: Any] = [
                "slug": "deal", "user_agent": Self.browser, "site_host": "blog.example",
                "referer": "https://blog.example/post?utm_source=news&utm_medium=email&partner=acme&email=x",
            ]
            let counted = try await api.result("clicks.ingest", visitor)
            #expect(counted["counted"] as? Bool == true)
            #expect(counted["reason"] as? String == "ok")
            #expect(counted["ga_status"] as? String == "not_applicable")
            #expect(counted["id"] as? Int == 1)
            var bot = visitor
            bot["user_agent"] = "python-requests/2.32"
            #expect(try await api.result("clicks.ingest", bot)["reason"] as? String == "bot")
            var anonymous = visitor
            anonymous["user_agent"] = nil
            #expect(try await api.result("clicks.ingest", anonymous)["reason"] as? String == "bot")
            var direct = visitor
            direct["referer"] = nil
            #expect(try await api.result("clicks.ingest", direct)["reason"] as? String == "no_referer")
            var external = visitor
            external["site_host"] = "shop.example"
            #expect(try await api.result("clicks.ingest", external)["reason"] as? String == "external_referer")
            var tagged = visitor
            tagged["utm"] = ["utm_source": "ads", "utm_medium": "cpc", "gclid": "g-1", "partner": "beta"]
            tagged["occurred_at"] = "2026-11-01T08:30:00.250+01:00"
            #expect(try await api.result("clicks.ingest", tagged)["id"] as? Int == 6)
        }
        let rows = try await database.rows("SELECT * FROM click ORDER BY id")
        #expect(rows.map { $0["reason"] ?? nil } == ["ok", "bot", "bot", "no_referer", "external_referer", "ok"])
        #expect(rows[0]["referer"] == "https://blog.example/post")
        #expect(rows[0]["utm_source"] == "news")
        #expect(rows[0]["custom"] == #"{"partner":"acme"}"#)
        // The call's own lead parameters win over the referer's.
        #expect(rows[5]["utm_source"] == "ads")
        #expect(rows[5]["gclid"] == "g-1")
        #expect(rows[5]["custom"] == #"{"partner":"beta"}"#)
        #expect(rows[5]["occurred_at"] == "1793518200250")
        let counter = try await database.clickCount(slug: "deal")
        #expect(counter == 2)
        // The user agent is read, never stored.
        let everything = rows.flatMap { row in row.values.map { $0 ?? "" } }.joined()
        #expect(!everything.contains("Mozilla"))
        #expect(!everything.contains("python-requests"))
    }

    @Test func anUnknownOrInactiveLinkIsServiceErrorNamingTheSlug() async throws {
        try await TestService.run { api in
            try await api.createLink(#"{"slug":"paused","url":"https://shop.example/","active":false}"#)
            for slug in ["missing", "paused", "Not A Slug"] {
                let error = try await api.error("clicks.ingest", ["slug": slug, "user_agent": Self.browser])
                #expect(error.code == -32001)
                #expect(error.data["slug"] as? String == slug)
            }
        }
    }

    @Test(arguments: [
        ([:], "slug"),
        (["slug": 7], "slug"),
        (["slug": "deal", "occurred_at": "yesterday"], "occurred_at"),
        (["slug": "deal", "occurred_at": "2999-01-01T00:00:00Z"], "occurred_at"),
        (["slug": "deal", "referer": "https://a.example/\u{7}"], "referer"),
        (["slug": "deal", "ga_client_id": "GA1.1.123.456"], "ga_client_id"),
        (["slug": "deal", "consent": ["analytics_storage": "yes"]], "consent.analytics_storage"),
        (["slug": "deal", "consent": ["cookies": "granted"]], "consent.cookies"),
        (["slug": "deal", "utm": ["utm_sauce": "x"]], "utm.utm_sauce"),
        (["slug": "deal", "utm": ["utm_source": 1]], "utm.utm_source"),
        (["slug": "deal", "utm": "utm_source=x"], "utm"),
    ] as [([String: any Sendable], String)])
    func badClickParametersAreInvalidParams(_ params: [String: any Sendable], _ field: String) async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(database: database) { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            let error = try await api.error("clicks.ingest", params)
            #expect(error.code == -32602)
            #expect(error.field == field)
        }
        #expect(try await database.clickRows().isEmpty)
    }

    // MARK: pageviews.track

    @Test func pageViewsCountPerPathUnlessExcludedFailedOrABot() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(database: database) { api in
            func track(_ params: [String: Any]) async throws -> String? {
                try await api.result("pageviews.track", params.merging(["user_agent": Self.browser]) { first, _ in first })["reason"] as? String
            }
            #expect(try await track(["path": "/blog/post?email=jane%40example.com", "title": "Post", "host": "blog.example"]) == "ok")
            #expect(try await track(["path": "/blog/post", "referer": "https://www.google.com/"]) == "ok")
            #expect(try await track(["path": "/admin/settings"]) == "excluded")
            #expect(try await track(["path": "/gone", "status": 404]) == "status")
            #expect(try await track(["path": "/blog/post", "user_agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"]) == "bot")
            let result = try await api.result("pageviews.track", ["path": "/", "user_agent": Self.browser])
            #expect(result["counted"] as? Bool == true)
            #expect(result["ga_status"] as? String == "not_applicable")
        }
        let views = try await database.rows("SELECT path, SUM(views) AS views FROM pageview_bucket GROUP BY path ORDER BY path")
            .map { "\(($0["path"] ?? nil) ?? "")=\(($0["views"] ?? nil) ?? "")" }
        #expect(views == ["/=1", "/blog/post=2"])
    }

    @Test(arguments: [
        ([:], "path"),
        (["path": "blog"], "path"),
        (["path": "/", "status": 700], "status"),
        (["path": "/", "status": "200"], "status"),
        (["path": "/", "title": String(repeating: "t", count: 301)], "title"),
        (["path": "/", "consent": ["ad_storage": "granted", "x": "granted"]], "consent.x"),
    ] as [([String: any Sendable], String)])
    func badPageViewParametersAreInvalidParams(_ params: [String: any Sendable], _ field: String) async throws {
        try await TestService.run { api in
            let error = try await api.error("pageviews.track", params)
            #expect(error.code == -32602)
            #expect(error.field == field)
        }
    }

    @Test func excludedPrefixesComeFromTheConfiguration() async throws {
        var configuration = AppConfiguration()
        configuration.pageViewExcludedPrefixes = ["/intern/"]
        try await TestService.run(configuration: configuration) { api in
            let intern = try await api.result("pageviews.track", ["path": "/intern/x", "user_agent": Self.browser])
            let admin = try await api.result("pageviews.track", ["path": "/admin/x", "user_agent": Self.browser])
            #expect(intern["reason"] as? String == "excluded")
            #expect(admin["reason"] as? String == "ok")
        }
    }

    // MARK: leads

    @Test func aLeadIsCapturedFromTheLandingURLAndExplicitParameters() async throws {
        try await TestService.run(configuration: Self.withTags) { api in
            let fromURL = try await api.result("leads.capture", [
                "subject": "visitor-1",
                "url": "https://shop.example/landing/page?utm_source=google&utm_medium=cpc&utm_campaign=winter&gclid=abc&partner=acme&email=x",
            ])
            #expect(fromURL["id"] as? Int == 1)
            _ = try await api.result("leads.capture", [
                "subject": "visitor-1", "url": "https://shop.example/?utm_source=google&utm_medium=cpc&partner=acme",
                "params": ["utm_source": "newsletter", "utm_medium": "email"], "custom": ["ab_test": "b", "partner": "mine"],
            ])
            let listed = try await api.send(.get, "/api/v1/leads?subject=visitor-1", token: try await api.token(.statsRead))
            let items = try #require(try listed.jsonObject()["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(items[0]["utm_source"] as? String == "google")
            #expect(items[0]["utm_campaign"] as? String == "winter")
            #expect(items[0]["gclid"] as? String == "abc")
            #expect(items[0]["landing_path"] as? String == "/landing/page")
            #expect(items[0]["custom"] as? [String: String] == ["partner": "acme"])
            #expect(items[0]["msclkid"] is NSNull)
            #expect(items[0]["subject"] as? String == "visitor-1")
            // Explicit parameters win over the URL's, the caller's custom object over the URL's tags.
            #expect(items[1]["utm_source"] as? String == "newsletter")
            #expect(items[1]["utm_medium"] as? String == "email")
            #expect(items[1]["custom"] as? [String: String] == ["partner": "mine", "ab_test": "b"])
            #expect(Set(items[1].keys) == [
                "id", "subject", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "gclid", "aclk",
                "msclkid", "twclid", "fbclid", "custom", "landing_path", "created_at",
            ])
        }
    }

    @Test(arguments: [
        (["url": "https://shop.example/?utm_source=g&utm_medium=cpc"], "subject"),
        (["subject": "jane@example.com", "params": ["utm_source": "g", "utm_medium": "cpc"]], "subject"),
        (["subject": "v1"], "url"),
        (["subject": "v1", "url": "https://shop.example/?utm_medium=cpc"], "utm_source"),
        (["subject": "v1", "url": "https://shop.example/?utm_source=g"], "utm_medium"),
        (["subject": "v1", "params": ["utm_source": "g", "utm_medium": "  "]], "utm_medium"),
        (["subject": "v1", "url": "/landing?utm_source=g&utm_medium=cpc"], "url"),
        (["subject": "v1", "url": "javascript:alert(1)"], "url"),
        (["subject": "v1", "params": ["utm_source": "g", "utm_medium": "cpc", "partner": "x"]], "params.partner"),
        (["subject": "v1", "params": ["utm_source": "g", "utm_medium": "cpc"], "custom": ["n": 1]], "custom.n"),
    ] as [([String: any Sendable], String)])
    func badLeadParametersAreInvalidParams(_ params: [String: any Sendable], _ field: String) async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(database: database) { api in
            let error = try await api.error("leads.capture", params)
            #expect(error.code == -32602)
            #expect(error.field == field)
        }
        #expect(try await database.int("SELECT COUNT(*) FROM lead") == 0)
    }

    @Test func assignMovesAVisitorsLeadsToTheUserAndEraseDeletesThemForGood() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(database: database) { api in
            for subject in ["anon-1", "anon-1", "anon-2"] {
                _ = try await api.result("leads.capture", ["subject": subject, "params": ["utm_source": "g", "utm_medium": "cpc"]])
            }
            #expect(try await api.result("leads.assign", ["from": "anon-1", "to": "user-9"])["moved"] as? Int == 2)
            #expect(try await api.result("leads.assign", ["from": "anon-1", "to": "user-9"])["moved"] as? Int == 0)
            #expect(try await api.error("leads.assign", ["from": "anon-2"]).field == "to")
            #expect(try await api.error("leads.assign", ["to": "user-9"]).field == "from")
            #expect(try await api.result("leads.erase", ["subject": "user-9"])["deleted"] as? Int == 2)
            #expect(try await api.result("leads.erase", ["subject": "user-9"])["deleted"] as? Int == 0)
            #expect(try await api.error("leads.erase", [:]).field == "subject")
        }
        let subjects = try await database.strings("SELECT subject FROM lead")
        #expect(subjects == ["anon-2"])
    }

    // MARK: consent

    @Test func consentIsLoggedAndTheNewestEntryIsCurrent() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(database: database) { api in
            let unknown = try await api.result("consent.get", ["subject": "123.456"])
            #expect(unknown["signals"] as? [String: String] == [
                "analytics_storage": "denied", "ad_storage": "denied", "ad_user_data": "denied", "ad_personalization": "denied",
            ])
            #expect(unknown["updated_at"] is NSNull)
            let first = try await api.result("consent.set", [
                "subject": "123.456", "signals": ["analytics_storage": "granted", "ad_storage": "granted"], "source": "banner",
            ])
            #expect((first["signals"] as? [String: String])?["ad_storage"] == "granted")
            let second = try await api.result("consent.set", ["subject": "123.456", "signals": ["ad_storage": "denied"]])
            #expect(second["signals"] as? [String: String] == [
                "analytics_storage": "granted", "ad_storage": "denied", "ad_user_data": "denied", "ad_personalization": "denied",
            ])
            let current = try await api.result("consent.get", ["subject": "123.456"])
            #expect(current["signals"] as? [String: String] == second["signals"] as? [String: String])
            #expect(current["updated_at"] as? String == second["updated_at"] as? String)
            #expect((current["updated_at"] as? String)?.hasSuffix("Z") == true)
        }
        let history = try await database.storage.consents.history(subject: "123.456")
        #expect(history.map(\.signals.adStorage) == [.granted, .denied])
        #expect(history.map(\.source) == ["banner", nil])
    }

    @Test(arguments: [
        ([:], "subject"),
        (["subject": "1.2"], "signals"),
        (["subject": "1.2", "signals": [:] as [String: String]], "signals"),
        (["subject": "1.2", "signals": ["analytics_storage": "GRANTED"]], "signals.analytics_storage"),
        (["subject": "1.2", "signals": ["marketing": "granted"]], "signals.marketing"),
        (["subject": "1.2", "signals": ["ad_storage": "granted"], "source": String(repeating: "s", count: 101)], "source"),
    ] as [([String: any Sendable], String)])
    func badConsentParametersAreInvalidParams(_ params: [String: any Sendable], _ field: String) async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(database: database) { api in
            let error = try await api.error("consent.set", params)
            #expect(error.code == -32602)
            #expect(error.field == field)
        }
        #expect(try await database.int("SELECT COUNT(*) FROM consent_log") == 0)
    }

    // MARK: failures of the service itself

    @Test func aFailingDatabaseIsAnInternalErrorAndTheNextCallStillWorks() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(database: database) { api in
            try await database.execute("DROP TABLE consent_log")
            let response = try await api.call("consent.get", ["subject": "1.2"])
            let error = try #require(response["error"] as? [String: Any])
            #expect(error["code"] as? Int == -32603)
            // The database's words stay in the log, not in the answer.
            #expect(!String(describing: error).contains("consent_log"))
            let link = try await api.createLink(#"{"slug":"still-up","url":"https://shop.example/"}"#)
            #expect(link["slug"] as? String == "still-up")
        }
    }

    @Test func clicksThatCannotBeStoredAreStorageUnavailableNotLostSilently() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(database: database) { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            try await database.execute("DROP TABLE click")
            let error = try await api.error("clicks.ingest", ["slug": "deal", "user_agent": Self.browser])
            #expect(error.code == -32002)
        }
    }
}
