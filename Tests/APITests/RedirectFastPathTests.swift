@testable import API
import AsyncHTTPClient
import Dispatch
import Domain
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import Synchronization
import TestSupport
import Testing

/// Redirects answered on the event loop (`RedirectFastPath`) against those the router answers:
/// the first hit on a slug takes the router (its lookup fills the cache), later ones the event
/// loop. The access log's `answered_by` says which path answered.
@Suite struct RedirectFastPathTests {
    static let browser = RedirectTests.browser
    static let onSite = RedirectTests.onSite

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var link: String
        var path: String
        var method: HTTPRequest.Method = .get
        var headers: HTTPFields = [.userAgent: RedirectFastPathTests.browser, .referer: "https://example.com/blog/post"]
    }

    static let cases: [Case] = [
        Case(description: "counted, with campaign", link: #""url":"https://shop.example/a""#, path: "?utm_source=news&utm_medium=mail&gclid=G1"),
        Case(description: "HEAD", link: #""url":"https://shop.example/a""#, path: "", method: .head),
        Case(description: "trailing slash", link: #""url":"https://shop.example/a""#, path: "/"),
        Case(
            description: "forwarded query", link: #""url":"https://shop.example/p?ref=cms#top","forward_query":true"#,
            path: "?utm_source=news&q=a%20b"),
        Case(description: "301", link: #""url":"https://shop.example/a","redirect_status":301"#, path: ""),
        Case(
            description: "bot", link: #""url":"https://shop.example/a""#, path: "",
            headers: [.userAgent: "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", .referer: "https://example.com/"]),
        Case(
            description: "prefetch", link: #""url":"https://shop.example/a""#, path: "",
            headers: [.userAgent: browser, .referer: "https://example.com/", HTTPField.Name("Sec-Purpose")!: "prefetch"]),
        Case(
            description: "external referer", link: #""url":"https://shop.example/a""#, path: "",
            headers: [.userAgent: browser, .referer: "https://elsewhere.example/x?utm_source=leak"]),
        Case(
            description: "campaign from the referer", link: #""url":"https://shop.example/a""#, path: "",
            headers: [.userAgent: browser, .referer: "https://www.example.com/post?utm_campaign=spring&utm_source=blog#c"]),
        Case(description: "no referer", link: #""url":"https://shop.example/a""#, path: "", headers: [.userAgent: browser]),
        Case(
            description: "device rule", link: #""url":"https://shop.example/a","rules":[{"device":"ios","url":"https://apps.example/ios"}]"#,
            path: "",
            headers: [.userAgent: RoutingAPITests.iPhoneSafari, .referer: "https://example.com/"]),
        Case(
            description: "language rule, query rule second",
            link: #""url":"https://shop.example/a","rules":[{"query":{"v":"b"},"url":"https://shop.example/b"},{"language":"de","url":"https://shop.example/de"}]"#,
            path: "?v=a", headers: [.userAgent: browser, .referer: "https://example.com/", .acceptLanguage: "de-CH, en;q=0.8"]),
        Case(
            description: "query rule with forwarded query",
            link: #""url":"https://shop.example/a","forward_query":true,"rules":[{"query":{"v":"b"},"url":"https://shop.example/b"}]"#,
            path: "?v=b&utm_source=x"),
    ]

    @Test(arguments: cases)
    func theEventLoopAnswersAndRecordsExactlyAsTheRouterDoes(_ variant: Case) async throws {
        let database = try await TestDatabase.make()
        let logs = LogCapture()
        let answers = Mutex<[TestResponse]>([])
        try await TestService.run(configuration: Self.onSite, database: database, logs: logs) { api in
            try await api.createLink(#"{"slug":"same",\#(variant.link)}"#)
            for _ in 0..<2 {
                let answer = try await api.send(variant.method, "/go/same" + variant.path, headers: variant.headers)
                answers.withLock { $0.append(answer) }
            }
        }
        let paths = logs.all.filter { $0.contains(" path=/go/same") }.map { Self.field("answered_by", in: $0) }
        #expect(paths == ["router", "event_loop"])

        let (router, eventLoop) = answers.withLock { ($0[0], $0[1]) }
        #expect(router.status == eventLoop.status)
        #expect(Self.withoutDate(router.headers) == Self.withoutDate(eventLoop.headers))
        #expect(eventLoop.headers[.date] != nil)
        #expect(eventLoop.body.readableBytes == 0)
        let rows = try await database.clickRows()
        try #require(rows.count == 2)
        #expect(rows[0] == rows[1])
    }

    @Test func pipelinedRequestsAreAnsweredInTheOrderTheyCame() async throws {
        let logs = LogCapture()
        try await TestService.run(configuration: Self.onSite, logs: logs) { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            _ = try await RedirectTests.visit(api, "/go/deal")
            let port = try #require(api.client.port)
            let redirect = "GET /go/deal HTTP/1.1\r\nHost: example.com\r\nUser-Agent: \(Self.browser)\r\nReferer: https://example.com/\r\n\r\n"
            // The health check reads the database, so the router answers it a moment later; the
            // redirect behind it must still come second.
            let answers = try await RawHTTPConnection.exchange(
                port: port,
                [
                    "GET /healthz HTTP/1.1\r\nHost: example.com\r\n\r\n", redirect,
                    "GET /readyz HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n",
                ])
            #expect(RawHTTPConnection.statusLines(answers) == ["HTTP/1.1 200 OK", "HTTP/1.1 302 Found", "HTTP/1.1 200 OK"])
            #expect(answers.contains("Location: https://shop.example/"))
        }
    }

    @Test func connectionCloseIsHonouredOnAWarmSlug() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(configuration: Self.onSite, database: database) { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            _ = try await RedirectTests.visit(api, "/go/deal")
            let port = try #require(api.client.port)
            // `exchange` returns only once the server closed the connection.
            let answer = try await RawHTTPConnection.exchange(
                port: port,
                ["GET /go/deal HTTP/1.1\r\nHost: example.com\r\nUser-Agent: \(Self.browser)\r\nReferer: https://example.com/\r\nConnection: close\r\n\r\n"])
            #expect(RawHTTPConnection.statusLines(answer) == ["HTTP/1.1 302 Found"])
        }
        #expect(try await database.clickRows().map(\.reason) == ["ok", "ok"])
    }

    /// With the writer stuck (a failing database) and its queue full, redirects wait for room
    /// only a short bound, then are answered with their clicks dropped, counted and logged: the
    /// visitor's redirect never waits on the database.
    /// The limit only catches a writer that never comes back: with the whole API suite running
    /// beside it on PostgreSQL, this test alone has taken over a minute on two cores.
    @Test(.timeLimit(.minutes(3))) func aFullClickQueueDelaysRedirectsOnlyBrieflyThenDropsAndCounts() async throws {
        let database = try await TestDatabase.make()
        let logs = LogCapture()
        let capacity = 4
        // No more than the client's 8 connections per host, so every visit is in flight at once.
        let visits = 8
        try await TestService.run(configuration: Self.onSite, database: database, logs: logs, clickQueueCapacity: capacity) { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            _ = try await RedirectTests.visit(api, "/go/deal")
            try await eventually { try await database.clickRows().count == 1 }
            let before = try await OperationsTests.scrape(api)

            // Holds the database's writes, so the click writer's next batch cannot commit.
            let hold = try await database.holdWrites()

            let port = try #require(api.client.port)
            let answered = Tally()
            try await LoopbackClient.withClient { client in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<visits {
                        group.addTask {
                            let status = try await LoopbackClient.get(
                                client, "http://127.0.0.1:\(port)/go/deal",
                                headers: [("User-Agent", Self.browser), ("Referer", "https://example.com/")])
                            #expect(status == 302)
                            answered.add()
                        }
                    }
                    // Every visit is answered while the database is still stuck.
                    try await group.waitForAll()
                }
            }
            #expect(answered.count == visits)
            try await hold.end()
            // Scraped once the database moves again: /metrics reads the outbox counts.
            let after = try await OperationsTests.scrape(api)
            let queueFull = ["reason": "queue_full"]
            #expect(OperationsTests.sample(after, "clicktrail_clicks_dropped_total", queueFull)
                - OperationsTests.sample(before, "clicktrail_clicks_dropped_total", queueFull) == Double(visits - (capacity + 1)))
        }
        // One click went to the stuck writer and `capacity` filled its queue: those are stored.
        #expect(try await database.clickRows().count == 1 + capacity + 1)
        #expect(try await database.clickCount(slug: "deal") == 1 + capacity + 1)
        let warnings = logs.all.filter { $0.contains("clicks dropped: the click queue stayed full") }
        #expect(warnings.count == 1, "one line per interval, however many are dropped")
        #expect(warnings.first?.contains("dropped=1") == true)
    }

    @Test(arguments: [
        ("/go/deal", "deal"), ("/go/deal/", "deal"), ("/go/deal?utm_source=x/y", "deal"), ("/go/deal/?a=1", "deal"),
        ("/go/", nil), ("/go//", nil), ("/go/a/b", nil), ("/go//deal", nil), ("/gox/deal", nil), ("/api/v1/links", nil),
        ("/GO/deal", nil), ("/go?x=/go/deal", nil),
    ] as [(String, String?)])
    func onlyGoPathsWithOneSegmentAreTakenOffTheRouter(_ path: String, _ slug: String?) {
        #expect(RedirectFastPath.slug(inPath: path).map(String.init) == slug)
    }

    @Test func theDateHeaderIsAnIMFFixdate() throws {
        var header = HTTPDateHeader()
        let text = header.now()
        #expect(text.wholeMatch(of: /(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT/) != nil)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let parsed = try #require(formatter.date(from: text))
        #expect(abs(parsed.timeIntervalSinceNow) < 2)
    }

    static func withoutDate(_ headers: HTTPFields) -> [String: String] {
        var all: [String: String] = [:]
        for field in headers where field.name != .date { all[field.name.canonicalName, default: ""] += field.value }
        return all
    }

    /// The value of `name=` in a captured log line.
    static func field(_ name: String, in line: String) -> String? {
        line.split(separator: " ").first { $0.hasPrefix("\(name)=") }.map { String($0.dropFirst(name.count + 1)) }
    }
}

/// A count shared by concurrent tasks.
final class Tally: Sendable {
    private let value = Mutex(0)
    var count: Int { value.withLock { $0 } }
    func add() { value.withLock { $0 += 1 } }
}
