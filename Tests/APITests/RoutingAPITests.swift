@testable import API
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

/// Links that start and stop on their own, run out of clicks, split traffic by weight and send
/// visitors by device, language or query: through `/go/`, the link JSON, stats and the export.
@Suite struct RoutingAPITests {
    static let iPhoneSafari =
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
    static let androidChrome =
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
    static let desktopFirefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
    static let onSite = RedirectTests.onSite

    static func visit(_ api: TestAPI, _ path: String, userAgent: String = RedirectTests.browser, referer: String? = "https://example.com/post", extra: HTTPFields = [:])
        async throws -> TestResponse
    {
        try await RedirectTests.visit(api, path, userAgent: userAgent, referer: referer, extra: extra)
    }

    static func link(_ api: TestAPI, _ slug: String) async throws -> [String: Any] {
        try await api.admin(.get, "/api/v1/links/\(slug)").jsonObject()
    }

    static func stats(_ api: TestAPI, _ slug: String) async throws -> [String: Any] {
        try await api.admin(.get, "/api/v1/stats/links/\(slug)").jsonObject()
    }

    /// Six seconds rather than one: the test must see the link before its start even when the
    /// whole suite runs beside it on two loaded cores.
    @Test func aLinkScheduledSecondsAheadGoesLiveAndRecordsNothingBefore() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(configuration: Self.onSite, database: database) { api in
            let start = Timestamp.format(Date().addingTimeInterval(6))
            let created = try await api.createLink(
                #"{"slug":"soon","url":"https://shop.example/sale","starts_at":"\#(start)","expired_url":"https://shop.example/coming"}"#)
            #expect(created["state"] as? String == "scheduled" && created["starts_at"] as? String == start)
            let early = try await Self.visit(api, "/go/soon")
            #expect(early.status == .found && early.headers[.location] == "https://shop.example/coming")
            try await eventually(within: .seconds(20)) {
                try await Self.visit(api, "/go/soon").headers[.location] == "https://shop.example/sale"
            }
            #expect(try await Self.link(api, "soon")["state"] as? String == "live")
            try await eventually { try await database.int("SELECT COUNT(*) FROM click") == 1 }
            #expect(try await database.clickRows().map(\.reason) == ["ok"], "hits before the start are not recorded")
        }
    }

    @Test func anExpiringLinkSendsVisitorsToItsExpiredURLAndPutClearsTheSchedule() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(configuration: Self.onSite, database: database) { api in
            // Room for a live visit before the end even while the whole parallel suite runs.
            let end = Timestamp.format(Date().addingTimeInterval(15))
            let created = try await api.createLink(
                #"{"slug":"sale","url":"https://shop.example/sale","expires_at":"\#(end)","expired_url":"https://shop.example/over"}"#)
            #expect(created["state"] as? String == "live")
            try await api.createLink(#"{"slug":"gone","url":"https://shop.example/gone","expires_at":"2026-01-01T00:00:00Z"}"#)
            var liveVisits = 0
            try await eventually(within: .seconds(30)) {
                let location = try await Self.visit(api, "/go/sale").headers[.location]
                if location == "https://shop.example/sale" { liveVisits += 1 }
                return location == "https://shop.example/over"
            }
            #expect(liveVisits >= 1)
            #expect(try await Self.link(api, "sale")["state"] as? String == "expired")
            // Without expired_url an expired link answers like an unknown one.
            #expect(try await Self.visit(api, "/go/gone").status == .notFound)

            let replaced = try await api.admin(.put, "/api/v1/links/sale", json: #"{"url":"https://shop.example/sale"}"#).jsonObject()
            #expect(replaced["expires_at"] is NSNull && replaced["expired_url"] is NSNull && replaced["state"] as? String == "live")
            #expect(try await Self.visit(api, "/go/sale").headers[.location] == "https://shop.example/sale")
            try await eventually { try await database.int("SELECT COUNT(*) FROM click") == liveVisits + 1 }
        }
    }

    @Test func theSixthCountedClickOfFiveGoesToTheExpiredURLAndBotsDoNotUseTheLimit() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(configuration: Self.onSite, database: database) { api in
            try await api.createLink(#"{"slug":"five","url":"https://shop.example/deal","max_clicks":5,"expired_url":"https://shop.example/sold-out"}"#)
            for round in 0..<5 {
                #expect(try await Self.visit(api, "/go/five", userAgent: "Googlebot/2.1 (+http://www.google.com/bot.html)").status == .found)
                #expect(try await Self.visit(api, "/go/five", referer: nil).headers[.location] == "https://shop.example/deal")
                #expect(try await Self.visit(api, "/go/five").headers[.location] == "https://shop.example/deal", "counted \(round)")
            }
            let sixth = try await Self.visit(api, "/go/five")
            #expect(sixth.status == .found && sixth.headers[.location] == "https://shop.example/sold-out")
            // Exhausted: every hit, a bot's too, goes there now and nothing more is recorded.
            #expect(try await Self.visit(api, "/go/five", referer: nil).headers[.location] == "https://shop.example/sold-out")
            try await eventually { try await database.int("SELECT COUNT(*) FROM click") == 15 }
            #expect(try await database.clickCount(slug: "five") == 5)
            let link = try await Self.link(api, "five")
            #expect(link["state"] as? String == "exhausted" && link["max_clicks"] as? Int == 5)
            // Raising the limit makes it live again.
            _ = try await api.admin(.patch, "/api/v1/links/five", json: #"{"max_clicks":6}"#)
            #expect(try await Self.visit(api, "/go/five").headers[.location] == "https://shop.example/deal")
        }
    }

    @Test func weightedHitsAddUpToTheTotalsInStatsAndTheExport() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(configuration: Self.onSite, database: database) { api in
            try await api.createLink(#"""
                {"slug":"ab","url":"https://shop.example/","destinations":[{"url":"https://shop.example/a","weight":1},{"url":"https://shop.example/b","weight":3}]}
                """#)
            var locations: [String: Int] = [:]
            for index in 0..<400 {
                let response = try await Self.visit(api, "/go/ab", referer: index % 4 == 0 ? nil : "https://example.com/post")
                locations[response.headers[.location] ?? "", default: 0] += 1
            }
            #expect(Set(locations.keys) == ["https://shop.example/a", "https://shop.example/b"])
            try await eventually { try await database.int("SELECT COUNT(*) FROM click") == 400 }
            let stats = try await Self.stats(api, "ab")
            let totals = try #require(stats["totals"] as? [String: Any])
            let byDestination = try #require(stats["by_destination"] as? [[String: Any]])
            #expect(byDestination.map { $0["url"] as? String } == ["https://shop.example/a", "https://shop.example/b"])
            #expect(byDestination.map { $0["hits"] as? Int ?? 0 }.reduce(0, +) == totals["hits"] as? Int)
            #expect(byDestination.map { $0["counted"] as? Int ?? 0 }.reduce(0, +) == totals["counted"] as? Int)
            #expect(byDestination.map { $0["hits"] as? Int ?? 0 } == [locations["https://shop.example/a"], locations["https://shop.example/b"]])
            #expect(stats["by_rule"] as? [Any] != nil)

            let export = try await api.admin(.get, "/api/v1/clicks?slug=ab")
            let destinations = String(buffer: export.body).split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["destination"] as? Int
            }
            #expect(destinations.count == 400 && destinations.filter { $0 == 0 }.count == locations["https://shop.example/a"])
        }
    }

    @Test func rulesSendPhonesAndLanguagesElsewhereAndNothingOfTheVisitorIsStored() async throws {
        let database = try await TestDatabase.makeReopenable()
        try await TestService.run(configuration: Self.onSite, database: database) { api in
            try await api.createLink(#"""
                {"slug":"app","url":"https://shop.example/","rules":[
                  {"device":"ios","url":"https://apps.example/ios"},
                  {"device":"android","url":"https://apps.example/android"},
                  {"language":"de","url":"https://shop.example/de"},
                  {"query":{"src":"mail"},"device":"desktop","url":"https://shop.example/mail"}]}
                """#)
            let cases: [(String, HTTPFields, String, Int?)] = [
                (Self.iPhoneSafari, [.acceptLanguage: "de-CH, en;q=0.8"], "https://apps.example/ios", 0),
                (Self.androidChrome, [:], "https://apps.example/android", 1),
                (Self.desktopFirefox, [.acceptLanguage: "de-CH, en;q=0.8"], "https://shop.example/de", 2),
                (Self.desktopFirefox, [.acceptLanguage: "en-US"], "https://shop.example/", nil),
            ]
            for (userAgent, headers, location, _) in cases {
                #expect(try await Self.visit(api, "/go/app", userAgent: userAgent, extra: headers).headers[.location] == location, "\(userAgent)")
            }
            #expect(try await Self.visit(api, "/go/app?src=mail", userAgent: Self.desktopFirefox).headers[.location] == "https://shop.example/mail")
            #expect(try await Self.visit(api, "/go/app?src=mail", userAgent: Self.androidChrome).headers[.location] == "https://apps.example/android")
            try await eventually { try await database.int("SELECT COUNT(*) FROM click") == 6 }
            #expect(try await database.clickRows().map(\.rule) == ["0", "1", "2", nil, "3", "1"])
            let byRule = try #require(try await Self.stats(api, "app")["by_rule"] as? [[String: Any]])
            #expect(byRule.map { $0["hits"] as? Int } == [1, 2, 1, 1])
            #expect(byRule.map { $0["index"] as? Int } == [0, 1, 2, 3])
        }
        let stored = try await database.everythingStored()
        #expect(stored.contains("https://apps.example/ios"), "the scan sees the link")
        for marker in ["iPhone", "Android 14", "Firefox/133", "de-CH", "q=0.8", "en-US"] {
            #expect(!stored.contains(marker), "\(marker) reached the database")
        }
    }

    @Test func everyBadScheduleOrRoutingFieldIsA422NamingIt() async throws {
        try await TestService.run { api in
            let response = try await api.admin(.post, "/api/v1/links", json: #"""
                {"slug":"bad","url":"https://shop.example/","starts_at":"tomorrow","max_clicks":0,"expired_url":"ftp://x",
                 "destinations":[{"url":"https://a.example","weight":1001},{"weight":2},{"url":"https://c.example","weight":1,"extra":1}],
                 "rules":[{"device":"tablet","url":"https://r.example"},{"language":"de","query":{"a":1}}, 7]}
                """#)
            #expect(response.status == .unprocessableContent)
            let fields = Set(try #require(try response.problem()["errors"] as? [[String: Any]]).compactMap { $0["field"] as? String })
            #expect(fields == [
                "starts_at", "max_clicks", "expired_url", "destinations[0].weight", "destinations[1].url", "destinations[2].extra",
                "rules[0].device", "rules[1].query.a", "rules[1].url", "rules[2]",
            ])
            #expect(try await api.admin(.get, "/api/v1/links/bad").status == .notFound)
        }
    }

    @Test func clicksIngestAppliesTheSameRulesAndSaysWhereToGo() async throws {
        try await TestService.run(configuration: Self.onSite) { api in
            try await api.createLink(#"""
                {"slug":"app","url":"https://shop.example/","rules":[{"language":"de","url":"https://shop.example/de"},{"query":{"v":"2"},"url":"https://shop.example/v2"}]}
                """#)
            try await api.createLink(#"{"slug":"over","url":"https://shop.example/","expires_at":"2026-01-01T00:00:00Z"}"#)
            let base: [String: Any] = ["slug": "app", "user_agent": Self.desktopFirefox, "referer": "https://example.com/post"]
            let german = try await api.result("clicks.ingest", base.merging(["accept_language": "de-CH, en;q=0.8"]) { $1 })
            #expect(german["url"] as? String == "https://shop.example/de" && german["rule"] as? Int == 0 && german["destination"] is NSNull)
            let query = try await api.result("clicks.ingest", base.merging(["query": ["v": "2"]]) { $1 })
            #expect(query["url"] as? String == "https://shop.example/v2" && query["rule"] as? Int == 1)
            let plain = try await api.result("clicks.ingest", base)
            #expect(plain["url"] as? String == "https://shop.example/" && plain["rule"] is NSNull)
            let expired = try await api.error("clicks.ingest", ["slug": "over", "user_agent": Self.desktopFirefox])
            #expect(expired.code == -32001 && expired.data["state"] as? String == "expired")
        }
    }
}
