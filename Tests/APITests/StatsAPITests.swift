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

@Suite struct StatsAPITests {
    /// openapi.yaml: a link's stats list its ten top referers and sources.
    static let topCount = 10

    /// Stores counted (or not) clicks at given instants through the writer's own insert path.
    static func store(_ clicks: [(slug: String, at: String, reason: HitReason)], _ api: TestAPI, referer: String = "https://example.com/blog/post") async throws {
        let links = api.database.storage.links
        var records: [ClickRecord] = []
        for click in clicks {
            let link = try #require(try await links.find(slug: click.slug))
            let date = try #require(RFC3339Date.parse(click.at))
            var lead = LeadSource()
            lead.utmSource = "news"
            lead.utmMedium = "email"
            let verdict = HitVerdict(
                reason: click.reason, refererClass: click.reason == .ok ? .internal : .external, referer: referer, leadSource: lead)
            records.append(ClickRecord(linkID: link.id, linkSlug: click.slug, occurredAt: date, verdict: verdict))
        }
        let batch = records
        _ = try await api.database.storage.clicks.store(batch)
    }

    static func stats(_ api: TestAPI, _ query: String) async throws -> [String: Any] {
        let response = try await api.send(.get, "/api/v1/stats/links/deal?\(query)", token: try await api.token(.statsRead))
        guard response.status == .ok else { throw TestFailure("\(query) answered \(response.status): \(String(buffer: response.body))") }
        return try response.jsonObject()
    }

    static func series(_ body: [String: Any]) -> [(start: String, counted: Int)] {
        (body["series"] as? [[String: Any]] ?? []).map { ($0["start"] as? String ?? "", $0["counted"] as? Int ?? -1) }
    }

    @Test func aLateEveningClickLandsOnTheDayOfTheZone() async throws {
        try await TestService.run { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            try await Self.store([("deal", "2026-11-20T23:30:00Z", .ok)], api)
            let utc = try await Self.stats(api, "from=2026-11-20&to=2026-11-22&tz=UTC&interval=day")
            #expect(Self.series(utc).map(\.start) == ["2026-11-20T00:00:00.000Z", "2026-11-21T00:00:00.000Z"])
            #expect(Self.series(utc).map(\.counted) == [1, 0])
            let berlin = try await Self.stats(api, "from=2026-11-20&to=2026-11-22&tz=Europe/Berlin&interval=day")
            #expect(Self.series(berlin).map(\.start) == ["2026-11-20T00:00:00.000+01:00", "2026-11-21T00:00:00.000+01:00"])
            #expect(Self.series(berlin).map(\.counted) == [0, 1])
            #expect(berlin["tz"] as? String == "Europe/Berlin")
            #expect(berlin["from"] as? String == "2026-11-20T00:00:00.000+01:00")
        }
    }

    /// Before standard time a zone's offset had seconds (Amsterdam: +00:19:32), which RFC 3339
    /// cannot write: those instants come back in UTC, and every timestamp stays RFC 3339.
    @Test func localMeanTimeOffsetsAreWrittenInUTC() async throws {
        try await TestService.run { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            let old = try await Self.stats(api, "from=1900-01-01&to=1900-01-03&tz=Europe/Amsterdam&interval=day")
            let stamps = [old["from"] as? String, old["to"] as? String] + Self.series(old).map { Optional($0.start) }
            let rfc3339 = #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$/#
            #expect(stamps.count == 4 && stamps.allSatisfy { ($0?.wholeMatch(of: rfc3339)) != nil }, "\(stamps)")
        }
    }

    @Test(arguments: [("Asia/Kolkata", "18:30", "+05:30"), ("Asia/Kathmandu", "18:15", "+05:45")])
    func halfAndQuarterHourZonesAreExact(_ zone: String, _ midnightUTC: String, _ offset: String) async throws {
        try await TestService.run { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            let justBefore = RFC3339Date.parse("2026-11-20T\(midnightUTC):00Z")!.addingTimeInterval(-1)
            try await Self.store([
                ("deal", RFC3339Date.format(justBefore), .ok), ("deal", "2026-11-20T\(midnightUTC):00Z", .ok),
            ], api)
            let days = try await Self.stats(api, "from=2026-11-20&to=2026-11-22&tz=\(zone)&interval=day")
            #expect(Self.series(days).map(\.start) == ["2026-11-20T00:00:00.000\(offset)", "2026-11-21T00:00:00.000\(offset)"])
            #expect(Self.series(days).map(\.counted) == [1, 1])
            let hours = try await Self.stats(api, "from=2026-11-20T23:00:00\(offset)&to=2026-11-21T01:00:00\(offset)&tz=\(zone)&interval=hour")
            #expect(Self.series(hours).map(\.counted) == [1, 1])
        }
    }

    @Test func daylightSavingDaysHaveTwentyThreeAndTwentyFiveHourlyBuckets() async throws {
        try await TestService.run { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            // One click in every real hour of the autumn day: 25 of them.
            let start = RFC3339Date.parse("2026-10-24T22:00:00Z")!
            try await Self.store((0..<25).map { ("deal", RFC3339Date.format(start.addingTimeInterval(Double($0) * 3600 + 60)), .ok) }, api)
            let autumn = try await Self.stats(api, "from=2026-10-25&to=2026-10-26&tz=Europe/Berlin&interval=hour")
            #expect(Self.series(autumn).count == 25)
            #expect(Self.series(autumn).allSatisfy { $0.counted == 1 })
            #expect(Self.series(autumn)[2].start == "2026-10-25T02:00:00.000+02:00")
            #expect(Self.series(autumn)[3].start == "2026-10-25T02:00:00.000+01:00")
            let spring = try await Self.stats(api, "from=2026-03-29&to=2026-03-30&tz=Europe/Berlin&interval=hour")
            #expect(Self.series(spring).count == 23)
            let days = try await Self.stats(api, "from=2026-10-24&to=2026-10-27&tz=Europe/Berlin&interval=day")
            #expect(Self.series(days).map(\.start) == [
                "2026-10-24T00:00:00.000+02:00", "2026-10-25T00:00:00.000+02:00", "2026-10-26T00:00:00.000+01:00",
            ])
            #expect(Self.series(days).map(\.counted) == [0, 25, 0])
        }
    }

    @Test func totalsEqualTheSeriesAndListEveryReasonRefererAndSource() async throws {
        try await TestService.run { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            try await Self.store([
                ("deal", "2026-11-01T10:00:00Z", .ok), ("deal", "2026-11-03T10:00:00Z", .ok), ("deal", "2026-11-03T11:00:00Z", .bot),
                ("deal", "2026-11-09T10:00:00Z", .head),
            ], api)
            let body = try await Self.stats(api, "from=2026-11-01&to=2026-12-01&interval=week")
            let totals = try #require(body["totals"] as? [String: Any])
            #expect(totals["counted"] as? Int == 2)
            #expect(totals["hits"] as? Int == 4)
            #expect(totals["by_reason"] as? [String: Int] == ["ok": 2, "bot": 1, "head": 1, "no_referer": 0, "external_referer": 0, "prefetch": 0])
            #expect(totals["by_referer_class"] as? [String: Int] == ["internal": 2, "external": 2, "none": 0])
            let series = try #require(body["series"] as? [[String: Any]])
            #expect(series.reduce(0) { $0 + ($1["hits"] as? Int ?? 0) } == 4)
            #expect(series.reduce(0) { $0 + ($1["counted"] as? Int ?? 0) } == 2)
            // ISO weeks: the range's first bucket starts at `from` (a Sunday), the next on Monday.
            #expect(series.prefix(2).compactMap { $0["start"] as? String } == ["2026-11-01T00:00:00.000Z", "2026-11-02T00:00:00.000Z"])
            #expect(try canonicalJSON(body["top_referers"]) == canonicalJSON([["path": "/blog/post", "counted": 2]]))
            #expect(try canonicalJSON(body["top_sources"]) == canonicalJSON([["utm_source": "news", "utm_medium": "email", "utm_campaign": NSNull(), "counted": 2]]))
            let empty = try await Self.stats(api, "from=2026-11-05T10:00:00Z&to=2026-11-05T10:00:00Z")
            #expect((empty["series"] as? [Any])?.isEmpty == true)
            #expect((empty["totals"] as? [String: Any])?["hits"] as? Int == 0)
        }
    }

    /// "All time" on a dashboard must work: without an interval the finest one that fits the
    /// bucket limit is chosen and echoed; an interval asked for that does not fit stays a 400.
    @Test(arguments: [
        ("from=2026-11-01&to=2026-11-02", "hour", 24), ("from=2026-01-01&to=2026-12-01", "day", 334),
        ("from=2020-01-01&to=2026-11-30", "week", 361), ("from=1900-01-01&to=2026-11-30", "month", 1_523),
    ])
    func withoutAnIntervalTheFinestThatFitsIsChosen(_ range: String, _ interval: String, _ buckets: Int) async throws {
        try await TestService.run { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            let body = try await Self.stats(api, range)
            #expect(body["interval"] as? String == interval)
            #expect((body["series"] as? [Any])?.count == buckets)
        }
    }

    @Test(arguments: [
        "tz=Mars/Olympus", "tz=CET", "from=2026-11-10&to=2026-11-01", "from=2026-13-01", "to=yesterday", "interval=minute",
        "from=2025-01-01&to=2026-01-01&interval=hour", "from=2020-01-01&to=2026-01-01&interval=day",
        "from=1800-01-01&to=2026-01-01", "sort=clicks",
    ])
    func badParametersAreA400(_ query: String) async throws {
        try await TestService.run { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            let token = try await api.token(.statsRead)
            let path = query.hasPrefix("sort") ? "/api/v1/stats/links?\(query)" : "/api/v1/stats/links/deal?\(query)"
            let response = try await api.send(.get, path, token: token)
            #expect(response.status == .badRequest)
            _ = try response.problem()
        }
    }

    @Test func unknownLinksAndMissingScopesAreRefused() async throws {
        try await TestService.run { api in
            let token = try await api.token(.statsRead)
            #expect(try await api.send(.get, "/api/v1/stats/links/nope", token: token).status == .notFound)
            #expect(try await api.send(.get, "/api/v1/stats/links").status == .unauthorized)
            let linksOnly = try await api.token(.linksWrite)
            for path in ["/api/v1/stats/links", "/api/v1/stats/links/nope", "/api/v1/stats/pages"] {
                #expect(try await api.send(.get, path, token: linksOnly).status == .forbidden)
            }
        }
    }

    @Test func theLinksTableSortsPagesAndCountsPartialDaysExactly() async throws {
        try await TestService.run { api in
            for slug in ["a", "b", "c"] { try await api.createLink(#"{"slug":"\#(slug)","url":"https://shop.example/"}"#) }
            try await Self.store([
                ("a", "2026-11-01T08:00:00Z", .ok), ("a", "2026-11-02T12:00:00Z", .ok), ("a", "2026-11-03T20:00:00Z", .bot),
                ("b", "2026-11-01T06:00:00Z", .bot), ("b", "2026-11-02T06:00:00Z", .bot), ("b", "2026-11-02T07:00:00Z", .bot),
                ("b", "2026-11-03T23:00:00Z", .ok),
            ], api)
            let token = try await api.token(.statsRead)
            // From mid-morning of the 1st to the evening of the 3rd: partial days at both ends.
            let range = "from=2026-11-01T07:00:00Z&to=2026-11-03T21:00:00Z"
            let byCounted = try await api.send(.get, "/api/v1/stats/links?\(range)", token: token).jsonObject()
            #expect(try canonicalJSON(byCounted["items"]) == canonicalJSON([
                ["slug": "a", "name": "a", "counted": 2, "hits": 3], ["slug": "b", "name": "b", "counted": 0, "hits": 2],
                ["slug": "c", "name": "c", "counted": 0, "hits": 0],
            ]))
            let first = try await api.send(.get, "/api/v1/stats/links?\(range)&sort=hits&limit=1", token: token).jsonObject()
            #expect((first["items"] as? [[String: Any]])?.first?["slug"] as? String == "a")
            let cursor = try #require(first["next_cursor"] as? String)
            let second = try await api.send(.get, "/api/v1/stats/links?\(range)&sort=hits&limit=2&cursor=\(cursor)", token: token).jsonObject()
            #expect((second["items"] as? [[String: Any]])?.compactMap { $0["slug"] as? String } == ["b", "c"])
            #expect(second["next_cursor"] is NSNull)
        }
    }

    @Test func pagesShowViewsAndTheClickThroughRateOfTheirLinks() async throws {
        try await TestService.run { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            for _ in 0..<4 {
                _ = try await api.result("pageviews.track", ["path": "/blog/post", "user_agent": RedirectTests.browser])
            }
            _ = try await api.result("pageviews.track", ["path": "/about", "user_agent": RedirectTests.browser])
            let now = RFC3339Date.format(Date())
            try await Self.store([("deal", now, .ok), ("deal", now, .ok), ("deal", now, .ok), ("deal", now, .bot)], api)
            let body = try await api.send(.get, "/api/v1/stats/pages", token: try await api.token(.statsRead)).jsonObject()
            #expect(try canonicalJSON(body["items"]) == canonicalJSON([
                ["path": "/blog/post", "views": 4, "clicks": 3, "ctr": 0.75], ["path": "/about", "views": 1, "clicks": 0, "ctr": 0],
            ]))
        }
    }

    /// Raw log rows of a demo data set, for counting by brute force.
    struct RawClick {
        var slug: String
        var occurred_at: Int64
        var reason: String
        var referer_class: String
        var referer: String?
        var utm_source: String?
        var utm_medium: String?
        var utm_campaign: String?

        var at: Date { Date(epochMillis: occurred_at) }
        var counted: Bool { reason == "ok" }
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func aggregatesEqualABruteForceCountOverTheRawLogOfDemoData(_ seed: UInt64) async throws {
        try await TestService.run { api in
            // Twenty days, so ranges hold whole weeks, days and hours and quarter-hour ends.
            let plan = DemoPlan(links: 12, clicks: 6_000, days: 20, seed: seed, end: RFC3339Date.parse("2026-11-22T00:00:00Z")!)
            _ = try await DemoDataLoader(storage: api.database.storage).load(plan)
            let raw = try await api.database.rows("SELECT link.slug, click.* FROM click JOIN link ON link.id = click.link_id").map { row in
                func text(_ name: String) -> String? { row[name] ?? nil }
                return RawClick(
                    slug: text("slug") ?? "", occurred_at: Int64(text("occurred_at") ?? "") ?? 0, reason: text("reason") ?? "",
                    referer_class: text("referer_class") ?? "", referer: text("referer"), utm_source: text("utm_source"),
                    utm_medium: text("utm_medium"), utm_campaign: text("utm_campaign"))
            }
            #expect(raw.count == 6_000)
            var random = SplitMix64(seed: seed)
            let zone = ["UTC", "Europe/Berlin", "Asia/Kathmandu", "America/St_Johns"][Int(seed) % 4]
            let from = plan.firstHour.addingTimeInterval(Double(Int.random(in: 0..<(4 * 96), using: &random)) * 900)
            let to = from.addingTimeInterval(Double(Int.random(in: 96..<(15 * 96), using: &random)) * 900)
            let range = "from=\(RFC3339Date.format(from))&to=\(RFC3339Date.format(to))&tz=\(zone)"
            func inside(_ slug: String?, _ start: Date, _ end: Date) -> [RawClick] {
                raw.filter { (slug == nil || $0.slug == slug) && $0.at >= start && $0.at < end }
            }
            let busiest = Dictionary(grouping: raw, by: \.slug).max { $0.value.count < $1.value.count }!.key
            let body = try await api.send(
                .get, "/api/v1/stats/links/\(busiest)?\(range)&interval=hour", token: try await api.token(.statsRead)
            ).jsonObject()
            let series = body["series"] as? [[String: Any]] ?? []
            let starts = series.compactMap { ($0["start"] as? String).flatMap(RFC3339Date.parse) }
            #expect(!starts.isEmpty && starts.count == series.count)
            for (index, start) in starts.enumerated() {
                let clicks = inside(busiest, start, index + 1 < starts.count ? starts[index + 1] : to)
                #expect(series[index]["hits"] as? Int == clicks.count)
                #expect(series[index]["counted"] as? Int == clicks.filter(\.counted).count)
            }
            let clicks = inside(busiest, from, to)
            let totals = body["totals"] as? [String: Any] ?? [:]
            #expect(try canonicalJSON(totals["by_reason"]) == canonicalJSON(
                Dictionary(uniqueKeysWithValues: HitReason.allCases.map { reason in (reason.rawValue, clicks.filter { $0.reason == reason.rawValue }.count) })))
            #expect(try canonicalJSON(totals["by_referer_class"]) == canonicalJSON(
                Dictionary(uniqueKeysWithValues: RefererClass.allCases.map { kind in (kind.rawValue, clicks.filter { $0.referer_class == kind.rawValue }.count) })))
            let counted = clicks.filter(\.counted)
            let referers = Dictionary(grouping: counted.compactMap { $0.referer.map(Referer.path(ofStored:)) }, by: { $0 })
                .map { ["path": $0.key, "counted": $0.value.count] as [String: Any] }
                .sorted { ($0["counted"] as! Int, $1["path"] as! String) > ($1["counted"] as! Int, $0["path"] as! String) }
            #expect(try canonicalJSON(body["top_referers"]) == canonicalJSON(Array(referers.prefix(Self.topCount))))
            let sources = Dictionary(grouping: counted.filter { $0.utm_source != nil }) { [$0.utm_source!, $0.utm_medium ?? "", $0.utm_campaign ?? ""] }
                .sorted { a, b in a.value.count != b.value.count ? a.value.count > b.value.count : a.key.lexicographicallyPrecedes(b.key) }
                .prefix(Self.topCount)
                .map { entry -> [String: Any] in
                    ["utm_source": entry.key[0], "utm_medium": entry.key[1].isEmpty ? NSNull() : entry.key[1],
                     "utm_campaign": entry.key[2].isEmpty ? NSNull() : entry.key[2], "counted": entry.value.count]
                }
            #expect(try canonicalJSON(body["top_sources"]) == canonicalJSON(Array(sources)))
            #expect(!referers.isEmpty && !sources.isEmpty, "the demo mix gives every busy link referers and campaigns")

            let table = try await api.send(.get, "/api/v1/stats/links?\(range)&limit=500", token: try await api.token(.statsRead)).jsonObject()
            let rows = table["items"] as? [[String: Any]] ?? []
            #expect(rows.count == plan.links)
            for row in rows {
                let expected = inside(row["slug"] as? String ?? "", from, to)
                #expect(row["counted"] as? Int == expected.filter(\.counted).count)
                #expect(row["hits"] as? Int == expected.count)
            }
            // Page views have no raw log: their quarter-hour buckets are the reference.
            let viewRows = try await api.database.rows(
                "SELECT path, SUM(views) AS views FROM pageview_bucket WHERE bucket_start >= \(from.epochMillis) AND bucket_start < \(to.epochMillis) GROUP BY path")
            let views = Dictionary(uniqueKeysWithValues: viewRows.map { ($0["path"]!!, Int($0["views"]!!)!) })
            func checkPages(_ clicks: [RawClick]) async throws {
                let pages = try await api.send(.get, "/api/v1/stats/pages?\(range)&limit=500", token: try await api.token(.statsRead)).jsonObject()
                let pageRows = pages["items"] as? [[String: Any]] ?? []
                #expect(!pageRows.isEmpty)
                #expect(Set(pageRows.compactMap { $0["path"] as? String }) == Set(views.filter { $0.value > 0 }.keys))
                for row in pageRows {
                    let path = row["path"] as? String ?? ""
                    #expect(row["views"] as? Int == views[path], "\(path)")
                    let expected = clicks.filter { $0.counted && $0.referer.map(Referer.path(ofStored:)) == path }.count
                    #expect(row["clicks"] as? Int == expected, "\(path)")
                }
            }
            try await checkPages(inside(nil, from, to))

            let statsToken = try await api.token(.statsRead)
            func overview() async throws -> [String: Any] {
                try await api.send(.get, "/api/v1/stats/overview?\(range)&interval=day", token: statsToken).jsonObject()
            }
            let all = try await overview()
            let everything = inside(nil, from, to)
            let allTotals = all["totals"] as? [String: Any] ?? [:]
            #expect(allTotals["hits"] as? Int == everything.count)
            #expect(allTotals["counted"] as? Int == everything.filter(\.counted).count)
            #expect(try canonicalJSON(allTotals["by_reason"]) == canonicalJSON(
                Dictionary(uniqueKeysWithValues: HitReason.allCases.map { reason in (reason.rawValue, everything.filter { $0.reason == reason.rawValue }.count) })))
            let days = all["series"] as? [[String: Any]] ?? []
            let dayStarts = days.compactMap { ($0["start"] as? String).flatMap(RFC3339Date.parse) }
            #expect(!dayStarts.isEmpty && dayStarts.count == days.count)
            for (index, start) in dayStarts.enumerated() {
                let clicks = inside(nil, start, index + 1 < dayStarts.count ? dayStarts[index + 1] : to)
                #expect(days[index]["hits"] as? Int == clicks.count && days[index]["counted"] as? Int == clicks.filter(\.counted).count)
            }
            // A deleted link leaves the overview with its clicks: it keeps equalling the links' sum.
            #expect(try await api.admin(.delete, "/api/v1/links/\(busiest)").status == .noContent)
            let after = try await overview()["totals"] as? [String: Any] ?? [:]
            let remaining = everything.filter { $0.slug != busiest }
            #expect(after["hits"] as? Int == remaining.count && after["counted"] as? Int == remaining.filter(\.counted).count)
            try await checkPages(remaining)
        }
    }
}

/// JSON with sorted keys: compares decoded bodies without caring how numbers were bridged.
func canonicalJSON(_ value: Any?) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: value ?? NSNull(), options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
}

/// The service's own RFC 3339 reading and writing, which keep every millisecond exact.
enum RFC3339Date {
    static func parse(_ text: String) -> Date? {
        RFC3339.date(text)
    }

    static func format(_ date: Date) -> String {
        Timestamp.format(date)
    }
}
