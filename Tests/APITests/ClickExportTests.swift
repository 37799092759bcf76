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

@Suite struct ClickExportTests {
    static let columns = [
        "id", "slug", "occurred_at", "referer", "referer_class", "counted", "reason", "utm_source", "utm_medium", "utm_campaign",
        "utm_term", "utm_content", "gclid", "aclk", "msclkid", "twclid", "fbclid", "custom", "ga_status", "rule", "destination",
    ]

    static func click(
        _ link: [String: Any], at: String, reason: HitReason = .ok, refererClass: RefererClass = .internal,
        referer: String? = "https://www.example.com/blog/post", lead: LeadSource = LeadSource()
    ) -> ClickRecord {
        ClickRecord(
            linkID: Int64(link["id"] as? Int ?? 0), linkSlug: link["slug"] as? String ?? "", occurredAt: RFC3339Date.parse(at)!,
            verdict: HitVerdict(reason: reason, refererClass: refererClass, referer: referer, leadSource: lead))
    }

    static func store(_ clicks: [ClickRecord], _ api: TestAPI) async throws {
        _ = try await api.database.storage.clicks.store(clicks)
    }

    static func export(_ api: TestAPI, _ query: String, accept: String) async throws -> String {
        let response = try await api.send(
            .get, "/api/v1/clicks?\(query)", token: try await api.token(.statsRead), headers: [.accept: accept])
        guard response.status == .ok else { throw TestFailure("\(query) answered \(response.status): \(String(buffer: response.body))") }
        let expected = accept.contains("csv") ? "text/csv; charset=utf-8; header=present" : "application/x-ndjson"
        guard response.headers[.contentType] == expected else { throw TestFailure("content type \(response.headers[.contentType] ?? "none")") }
        return String(buffer: response.body)
    }

    static func lines(_ ndjson: String) throws -> [[String: Any]] {
        try ndjson.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw TestFailure("not an object: \(line)")
            }
            return object
        }
    }

    @Test func ndjsonAndCSVCarryEveryColumnOfTheSameRows() async throws {
        try await TestService.run { api in
            let deal = try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            var lead = LeadSource()
            lead.utmSource = "newsletter"
            lead.utmMedium = "email"
            lead.utmCampaign = #"=HYPERLINK("https://evil.example"),"x""#
            lead[.utmContent] = "two\r\nlines"
            lead[.gclid] = "Cj0abc"
            lead.custom = ["variant": "a", "partner": "p/7"]
            try await Self.store([
                Self.click(deal, at: "2026-11-20T10:15:30.919Z", lead: lead),
                Self.click(deal, at: "2026-11-20T11:00:00.001Z", reason: .bot, refererClass: .none, referer: nil),
            ], api)
            let ndjson = try await Self.export(api, "from=2026-11-20&to=2026-11-21", accept: "application/x-ndjson")
            let rows = try Self.lines(ndjson)
            #expect(rows.count == 2)
            #expect(try canonicalJSON(rows.first) == canonicalJSON([
                "id": 1, "slug": "deal", "occurred_at": "2026-11-20T10:15:30.919Z", "referer": "https://www.example.com/blog/post",
                "referer_class": "internal", "counted": true, "reason": "ok", "utm_source": "newsletter", "utm_medium": "email",
                "utm_campaign": #"=HYPERLINK("https://evil.example"),"x""#, "utm_term": NSNull(), "utm_content": "two\r\nlines",
                "gclid": "Cj0abc", "aclk": NSNull(), "msclkid": NSNull(), "twclid": NSNull(), "fbclid": NSNull(),
                "custom": ["partner": "p/7", "variant": "a"], "ga_status": "not_applicable", "rule": NSNull(), "destination": NSNull(),
            ] as [String: Any]))
            #expect(rows.last?["reason"] as? String == "bot" && rows.last?["referer"] is NSNull && rows.last?["counted"] as? Bool == false)
            #expect(rows.last?["occurred_at"] as? String == "2026-11-20T11:00:00.001Z")

            let csv = CSVReader.records(try await Self.export(api, "from=2026-11-20&to=2026-11-21", accept: "text/csv"))
            #expect(csv.first == Self.columns)
            #expect(csv.count == rows.count + 1)
            let first = Dictionary(uniqueKeysWithValues: zip(Self.columns, csv[1]))
            // A spreadsheet must not run a campaign name as a formula; the rest arrives unchanged.
            #expect(first["utm_campaign"] == #"'=HYPERLINK("https://evil.example"),"x""#)
            #expect(first["utm_content"] == "two\r\nlines")
            #expect(first["custom"] == #"{"partner":"p/7","variant":"a"}"#)
            #expect(first["occurred_at"] == "2026-11-20T10:15:30.919Z" && first["counted"] == "true" && first["utm_term"] == "")
            let second = Dictionary(uniqueKeysWithValues: zip(Self.columns, csv[2]))
            #expect(second["referer"] == "" && second["custom"] == "" && second["referer_class"] == "none")
        }
    }

    @Test func theRangeIncludesFromExcludesToAndTheSlugFilters() async throws {
        try await TestService.run { api in
            let a = try await api.createLink(#"{"slug":"a","url":"https://shop.example/a"}"#)
            let b = try await api.createLink(#"{"slug":"b","url":"https://shop.example/b"}"#)
            let instants = ["2026-11-20T09:59:59.999Z", "2026-11-20T10:00:00.000Z", "2026-11-20T10:59:59.999Z", "2026-11-20T11:00:00.000Z"]
            try await Self.store(instants.flatMap { [Self.click(a, at: $0), Self.click(b, at: $0)] }, api)
            let range = "from=2026-11-20T10:00:00Z&to=2026-11-20T11:00:00Z"
            let all = try Self.lines(try await Self.export(api, range, accept: "application/x-ndjson"))
            #expect(all.map { $0["occurred_at"] as? String ?? "" } == [instants[1], instants[1], instants[2], instants[2]])
            let onlyB = try Self.lines(try await Self.export(api, range + "&slug=b", accept: "application/x-ndjson"))
            #expect(onlyB.map { $0["slug"] as? String ?? "" } == ["b", "b"])
            // A bare date is the start of that day in tz: 10:00 UTC is 11:00 in Berlin.
            let berlin = try Self.lines(try await Self.export(api, "from=2026-11-20&to=2026-11-21&tz=Europe/Berlin", accept: "application/x-ndjson"))
            #expect(berlin.count == 8)
        }
    }

    @Test func pagesFollowTimeThenIdWhereManyClicksShareAMillisecond() async throws {
        try await TestService.run { api in
            let deal = try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            // Back-dated ingest makes id order differ from time order; 1,500 clicks in one
            // millisecond straddle the export's 1,000-row pages.
            let late = (0..<700).map { Self.click(deal, at: RFC3339Date.format(RFC3339Date.parse("2026-11-20T12:00:00Z")!.addingTimeInterval(Double($0)))) }
            let tied = (0..<1_500).map { _ in Self.click(deal, at: "2026-11-20T11:00:00.500Z") }
            let early = (0..<300).map { Self.click(deal, at: RFC3339Date.format(RFC3339Date.parse("2026-11-20T08:00:00Z")!.addingTimeInterval(Double($0)))) }
            try await Self.store(late + tied + early, api)
            let expected = try await api.database.ints("SELECT id FROM click ORDER BY occurred_at, id").map { $0 ?? 0 }
            let ndjson = try Self.lines(try await Self.export(api, "from=2026-11-20&to=2026-11-21", accept: "application/x-ndjson"))
            #expect(ndjson.map { $0["id"] as? Int ?? 0 } == expected)
            let csv = CSVReader.records(try await Self.export(api, "from=2026-11-20&to=2026-11-21", accept: "text/csv"))
            #expect(csv.dropFirst().map { Int($0[0]) ?? 0 } == expected)
        }
    }

    @Test func anEmptyRangeIsAnEmptyBodyOrTheHeaderAlone() async throws {
        try await TestService.run { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            #expect(try await Self.export(api, "from=2026-11-20&to=2026-11-20", accept: "application/x-ndjson") == "")
            #expect(try await Self.export(api, "from=2026-11-20&to=2026-11-21", accept: "text/csv") == Self.columns.joined(separator: ",") + "\r\n")
        }
    }

    @Test(arguments: [
        ("text/csv;q=0.5, application/x-ndjson;q=0.9", "application/x-ndjson"), ("text/*", "text/csv"), ("*/*", "application/x-ndjson"),
        ("application/x-ndjson;q=0, text/csv", "text/csv"), ("application/json, text/csv;q=0.1", "text/csv"),
        ("TEXT/CSV", "text/csv"),
    ])
    func acceptChoosesTheFormat(_ accept: String, _ mediaType: String) async throws {
        try await TestService.run { api in
            let response = try await api.send(.get, "/api/v1/clicks", token: try await api.token(.statsRead), headers: [.accept: accept])
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix(mediaType) == true)
        }
    }

    @Test(arguments: [
        ("", "application/json", 406), ("", "text/html, application/x-ndjson;q=0", 406), ("from=2026-11-21&to=2026-11-20", "*/*", 400),
        ("tz=CET", "*/*", 400), ("from=yesterday", "*/*", 400), ("slug=nope", "*/*", 404), ("slug=Not%20a%20slug", "*/*", 404),
    ])
    func badRequestsAreProblems(_ query: String, _ accept: String, _ status: Int) async throws {
        try await TestService.run { api in
            let response = try await api.send(
                .get, "/api/v1/clicks?\(query)", token: try await api.token(.statsRead), headers: [.accept: accept])
            #expect(Int(response.status.code) == status)
            _ = try response.problem()
        }
    }

    @Test func theExportNeedsAStatsToken() async throws {
        try await TestService.run { api in
            let anonymous = try await api.send(.get, "/api/v1/clicks")
            let linksOnly = try await api.send(.get, "/api/v1/clicks", token: try await api.token(.linksWrite))
            #expect(anonymous.status == .unauthorized && linksOnly.status == .forbidden)
            _ = try anonymous.problem()
            _ = try linksOnly.problem()
        }
    }

    @Test func everyMillisecondIsFormattedAsStored() {
        var random = SplitMix64(seed: 9)
        for _ in 0..<20_000 {
            let millis = Int64.random(in: 0..<4_102_444_800_000, using: &random)
            let text = Timestamp.format(Date(epochMillis: millis))
            #expect(text.dropLast().suffix(3) == String(format: "%03d", Int(millis % 1000)), "\(millis) → \(text)")
            #expect(RFC3339.date(text)?.epochMillis == millis)
        }
    }
}
