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

/// GA forwarding end to end: the real service, the real outbox and sender, and a local server
/// standing in for GA that records what it receives.
@Suite struct GAForwardingTests {
    static let secret = "Sup3r-Secret_Value42"
    static let clientCookie = "_ga=GA1.1.111222333.1700000000"
    static let sessionCookie = "_ga_TEST123=GS2.1.s1700000123$o5$g1$t1700000456$j60$l0$h0"
    static let granted = "clicktrail_consent=analytics_storage:granted,ad_user_data:granted"

    static func configuration(
        endpoint: String, format: ConsentCookieFormat = .clicktrail, validate: Bool = false, requestTimeout: Duration = .seconds(10)
    ) -> AppConfiguration {
        var configuration = RedirectTests.onSite
        var settings = GASettings(measurementID: "G-TEST123", apiSecret: secret, endpoint: URL(string: endpoint)!)
        settings.validate = validate
        settings.requestTimeout = requestTimeout
        configuration.ga = settings
        configuration.consentFormat = format
        configuration.consentCookieName = format.defaultCookieName
        return configuration
    }

    static func visit(_ api: TestAPI, _ path: String, cookies: [String], userAgent: String = RedirectTests.browser, referer: String = "https://example.com/blog/post") async throws -> TestResponse {
        try await RedirectTests.visit(api, path, userAgent: userAgent, referer: referer, extra: cookies.isEmpty ? [:] : [.cookie: cookies.joined(separator: "; ")])
    }

    @Test func aConsentedCountedClickIsPostedOnceWithTheMeasurementProtocolPayload() async throws {
        let database = try await TestDatabase.make()
        try await FakeGA.run { ga in
            try await TestService.run(configuration: Self.configuration(endpoint: ga.endpoint), database: database) { api in
                let link = try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
                let response = try await Self.visit(
                    api, "/go/deal?utm_source=news&utm_medium=email&utm_campaign=spring",
                    cookies: [Self.clientCookie, Self.sessionCookie, Self.granted])
                #expect(response.status == .found)
                let request = try #require(try await ga.waitFor(1).first)
                #expect(request.query == ["measurement_id": "G-TEST123", "api_secret": Self.secret])
                let body = request.json
                let occurredAt = try await database.int("SELECT occurred_at FROM click").map(Int64.init)
                #expect(body["client_id"] as? String == "111222333.1700000000")
                #expect((body["timestamp_micros"] as? Int64).map { $0 / 1000 } == occurredAt)
                #expect(body["consent"] as? [String: String] == ["ad_user_data": "GRANTED", "ad_personalization": "DENIED"])
                let events = try #require(body["events"] as? [[String: Any]])
                #expect(events.count == 1)
                #expect(events.first?["name"] as? String == "affiliate_click")
                let params = try #require(events.first?["params"] as? [String: Any])
                #expect(params["link_slug"] as? String == "deal")
                #expect(params["link_id"] as? Int == link["id"] as? Int)
                #expect(params["referer_class"] as? String == "internal")
                #expect(params["page_location"] as? String == "https://example.com/blog/post")
                #expect(params["engagement_time_msec"] as? Int == 1)
                #expect(params["session_id"] as? Int == 1_700_000_123)
                #expect(params["source"] as? String == "news")
                #expect(params["medium"] as? String == "email")
                #expect(params["campaign"] as? String == "spring")

                try await eventually { try await database.clickRows().map(\.ga_status) == ["sent"] }
                let stats = try await api.send(.get, "/api/v1/stats/outbox", token: try await api.token(.statsRead)).jsonObject()
                #expect(stats["sent"] as? Int == 1)
                #expect(stats["queued"] as? Int == 0)
                #expect(stats["oldest_queued_at"] is NSNull)
                // Settled once: it is not sent again.
                try await Self.waitForTheSenderToPassAgain(api, ga)
                #expect(ga.received().count == 2, "nothing but the marker since")
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var cookies: [String]
        var userAgent = RedirectTests.browser
        var referer = "https://example.com/blog/post"
        var status: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        Case(name: "no consent anywhere", cookies: [clientCookie], status: "no_consent"),
        Case(name: "the consent cookie denies", cookies: [clientCookie, "clicktrail_consent=analytics_storage:denied,ad_storage:granted"], status: "no_consent"),
        Case(name: "an unreadable consent cookie", cookies: [clientCookie, "clicktrail_consent=yes-please"], status: "no_consent"),
        Case(name: "no _ga cookie", cookies: [granted], status: "no_client_id"),
        Case(name: "an unreadable _ga cookie", cookies: ["_ga=made-up", granted], status: "no_client_id"),
        Case(name: "a bot", cookies: [clientCookie, granted], userAgent: "curl/8.5.0", status: "not_applicable"),
        Case(name: "an external referer", cookies: [clientCookie, granted], referer: "https://elsewhere.example/", status: "not_applicable"),
    ])
    func aHitThatMayNotGoToGAIsNotSentAndSaysWhy(_ hit: Case) async throws {
        let database = try await TestDatabase.make()
        try await FakeGA.run { ga in
            try await TestService.run(configuration: Self.configuration(endpoint: ga.endpoint), database: database) { api in
                try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
                try await api.createLink(#"{"slug":"fence","url":"https://shop.example/"}"#)
                _ = try await Self.visit(api, "/go/deal", cookies: hit.cookies, userAgent: hit.userAgent, referer: hit.referer)
                // A forwarded click after it: once GA has that one, the first would have arrived before.
                _ = try await Self.visit(api, "/go/fence", cookies: [Self.clientCookie, Self.granted])
                let received = try await ga.waitFor(1)
                try await eventually { try await database.clickRows().last?.ga_status == "sent" }
                #expect(received.count == 1)
                let params = (received.first?.json["events"] as? [[String: Any]])?.first?["params"] as? [String: Any]
                #expect(params?["link_slug"] as? String == "fence")
            }
        }
        #expect(try await database.clickRows().first?.ga_status == hit.status)
    }

    @Test func theStoredConsentDecidesWhenTheRequestCarriesNone() async throws {
        let database = try await TestDatabase.make()
        try await FakeGA.run { ga in
            try await TestService.run(configuration: Self.configuration(endpoint: ga.endpoint), database: database) { api in
                try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
                _ = try await api.result("consent.set", ["subject": "111222333.1700000000", "signals": ["analytics_storage": "granted"]])
                _ = try await Self.visit(api, "/go/deal", cookies: [Self.clientCookie])
                // The cookie comes before the stored consent: a visitor who revoked it on the page is not sent.
                _ = try await Self.visit(api, "/go/deal", cookies: [Self.clientCookie, "clicktrail_consent=analytics_storage:denied"])
                try await ga.waitFor(1)
                try await eventually { try await database.clickRows().map(\.ga_status) == ["sent", "no_consent"] }
                #expect(ga.received().count == 1)
            }
        }
    }

    @Test(arguments: [
        (ConsentCookieFormat.clicktrail, #"{"analytics_storage":"granted","ad_user_data":"denied"}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, true),
        (.clicktrail, "analytics_storage:denied", false),
        (.cookiebot, "{stamp:'abc==',necessary:true,preferences:false,statistics:true,marketing:false,method:'explicit',ver:1}".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, true),
        (.cookiebot, "-1", true),
        (.cookiebot, "{stamp:'abc==',necessary:true,preferences:true,statistics:false,marketing:true,method:'explicit',ver:1}".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, false),
        (.cookieyes, "consentid:abc,consent:yes,action:yes,necessary:yes,functional:no,analytics:yes,performance:no,advertisement:no,other:no", true),
        (.cookieyes, "consentid:abc,consent:no,action:yes,necessary:yes,functional:no,analytics:no,performance:no,advertisement:yes,other:no", false),
    ])
    func eachConsentCookieFormatGatesForwarding(_ format: ConsentCookieFormat, _ value: String, _ forwards: Bool) async throws {
        let database = try await TestDatabase.make()
        try await FakeGA.run { ga in
            try await TestService.run(configuration: Self.configuration(endpoint: ga.endpoint, format: format), database: database) { api in
                try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
                _ = try await Self.visit(api, "/go/deal", cookies: [Self.clientCookie, "\(format.defaultCookieName)=\(value)"])
                if forwards {
                    try await ga.waitFor(1)
                    try await eventually { try await database.clickRows().map(\.ga_status) == ["sent"] }
                }
            }
            #expect(ga.received().count == (forwards ? 1 : 0))
        }
        #expect(try await database.clickRows().map(\.ga_status) == [forwards ? "sent" : "no_consent"])
    }

    @Test func serverErrorsAreRetriedWithBackOffAndTheEventIsDeliveredOnce() async throws {
        let database = try await TestDatabase.make()
        let started = ContinuousClock.now
        try await FakeGA.run { ga in
            ga.script([.status(500), .status(500), .status(500)], then: .status(204))
            try await TestService.run(configuration: Self.configuration(endpoint: ga.endpoint), database: database) { api in
                try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
                _ = try await Self.visit(api, "/go/deal", cookies: [Self.clientCookie, Self.granted])
                let received = try await ga.waitFor(4, within: .seconds(60))
                try await eventually(within: .seconds(10)) { try await database.clickRows().map(\.ga_status) == ["sent"] }
                #expect(Set(received.map(\.body)).count == 1)
                try await Self.waitForTheSenderToPassAgain(api, ga)
                #expect(ga.received().count == 5, "nothing but the marker since")
            }
        }
        #expect(ContinuousClock.now - started < .seconds(60))
        let row = try await database.outboxRow()
        #expect(row?.state == "sent")
        #expect(row?.attempts == 4)
    }

    @Test func aRefusedEventIsMarkedFailedWithGAsAnswerAndNotRetried() async throws {
        let database = try await TestDatabase.make()
        let logs = LogCapture()
        try await FakeGA.run { ga in
            // A proxy that echoes the request URL in its error page must not leak the secret.
            ga.script([.status(403, body: "forbidden: /mp/collect?measurement_id=G-TEST123&api_secret=\(Self.secret)")])
            try await TestService.run(configuration: Self.configuration(endpoint: ga.endpoint), database: database, logs: logs) { api in
                try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
                _ = try await Self.visit(api, "/go/deal", cookies: [Self.clientCookie, Self.granted])
                try await ga.waitFor(1)
                try await eventually { try await database.clickRows().map(\.ga_status) == ["failed"] }
                try await Self.waitForTheSenderToPassAgain(api, ga)
                #expect(ga.received().count == 2, "nothing but the marker since")
                let stats = try await api.send(.get, "/api/v1/stats/outbox", token: try await api.token(.statsRead)).jsonObject()
                #expect(stats["failed"] as? Int == 1)
            }
        }
        let error = try await database.outboxRow()?.lastError
        #expect(error?.hasPrefix("GA answered 403: forbidden") == true)
        #expect(error?.contains(Self.secret) == false)
        #expect(logs.all.contains { $0.contains("GA refused an event") })
        #expect(!logs.all.contains { $0.contains(Self.secret) })
    }

    @Test func eventsQueuedWhileGAIsDownAreDeliveredOnceAfterARestart() async throws {
        let first = try await TestDatabase.makeReopenable()
        let logs = LogCapture()
        let fast = RetryPolicy(firstDelay: .milliseconds(200), maxDelay: .milliseconds(400))
        // Nothing listens on port 1: every attempt is a refused connection, which the HTTP client
        // keeps trying until the request's deadline.
        try await TestService.run(
            configuration: Self.configuration(endpoint: "http://127.0.0.1:1/mp/collect", requestTimeout: .milliseconds(500)), database: first,
            gaRetryPolicy: fast, logs: logs
        ) { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            _ = try await Self.visit(api, "/go/deal", cookies: [Self.clientCookie, Self.granted])
            try await eventually { try await api.database.outboxRow()?.attempts ?? 0 >= 2 }
        }
        let pending = try #require(try await first.reopened().outboxRow())
        #expect(pending.state == "queued")
        #expect(pending.lastError?.hasPrefix("GA not reached") == true)
        #expect(!logs.all.contains { $0.contains(Self.secret) })

        try await FakeGA.run { ga in
            let database = try await first.reopened()
            try await TestService.run(configuration: Self.configuration(endpoint: ga.endpoint), database: database, gaRetryPolicy: fast) { api in
                try await ga.waitFor(1)
                try await eventually { try await database.clickRows().map(\.ga_status) == ["sent"] }
                try await Self.waitForTheSenderToPassAgain(api, ga)
            }
            #expect(ga.received().count == 2, "nothing but the marker since")
        }
        #expect(try await first.reopened().outboxRow()?.state == "sent")
    }

    @Test func aHangingGADoesNotSlowTheRedirect() async throws {
        let database = try await TestDatabase.make()
        let logs = LogCapture()
        try await FakeGA.run { ga in
            ga.script([.hang(.seconds(30))])
            // A redirect that waited for GA would take nearly the request timeout; one that does
            // not wait stays far below it even on a machine busy with the whole parallel suite.
            let configuration = Self.configuration(endpoint: ga.endpoint, requestTimeout: .seconds(10))
            try await TestService.run(configuration: configuration, database: database, logs: logs) { api in
                try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
                _ = try await Self.visit(api, "/go/deal", cookies: [Self.clientCookie, Self.granted])
                try await ga.waitFor(1)
                // GA holds the first event; a redirect now does not wait for it.
                let before = ContinuousClock.now
                let second = try await Self.visit(api, "/go/deal", cookies: [Self.clientCookie, Self.granted])
                let elapsed = ContinuousClock.now - before
                #expect(second.status == .found)
                #expect(elapsed < .seconds(5))
                #expect(try await database.clickRows().first?.ga_status == "queued")
                // The request timeout ends the hang; the retry delivers both.
                try await eventually(within: .seconds(40)) { try await database.clickRows().map(\.ga_status) == ["sent", "sent"] }
            }
        }
        #expect(try await database.ints("SELECT attempts FROM ga_outbox ORDER BY id") == [2, 1])
        #expect(logs.all.contains { $0.contains("GA event will be retried") && $0.contains("GA not reached") })
    }

    @Test func eventsOlderThanGAsBackdatingLimitAreDeadLetteredNotSent() async throws {
        let database = try await TestDatabase.make()
        try await FakeGA.run { ga in
            try await TestService.run(configuration: Self.configuration(endpoint: ga.endpoint), database: database) { api in
                try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
                let old = Timestamp73HoursAgo.text
                let result = try await api.result("clicks.ingest", [
                    "slug": "deal", "occurred_at": old, "referer": "https://example.com/a", "user_agent": RedirectTests.browser,
                    "ga_client_id": "1.2", "consent": ["analytics_storage": "granted"],
                ])
                #expect(result["ga_status"] as? String == "queued")
                let token = try await api.token(.statsRead)
                try await eventually { try await api.send(.get, "/api/v1/stats/outbox", token: token).jsonObject()["dead"] as? Int == 1 }
                #expect(try await database.clickRows().map(\.ga_status) == ["failed"])
            }
            #expect(ga.received().isEmpty)
        }
    }

    @Test func validateModeAlsoAsksTheValidationServerAndLogsItsMessages() async throws {
        let logs = LogCapture()
        try await FakeGA.run { ga in
            ga.answerValidation(with: #"{"validationMessages":[{"fieldPath":"events.params","description":"Value too long","validationCode":"VALUE_INVALID"}]}"#)
            try await TestService.run(configuration: Self.configuration(endpoint: ga.endpoint, validate: true), logs: logs) { api in
                try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
                _ = try await Self.visit(api, "/go/deal", cookies: [Self.clientCookie, Self.granted])
                let validated = try await ga.waitFor(1, path: "/debug/mp/collect")
                let sent = try await ga.waitFor(1)
                #expect(validated.first?.body == sent.first?.body)
                #expect(validated.first?.query["measurement_id"] == "G-TEST123")
                try await eventually { logs.all.contains { $0.contains("VALUE_INVALID") && $0.contains("Value too long") } }
            }
        }
        #expect(!logs.all.contains { $0.contains(Self.secret) })
    }

    @Test func ingestedClicksAndPageViewsForwardWithTheCallsConsent() async throws {
        let database = try await TestDatabase.make()
        try await FakeGA.run { ga in
            try await TestService.run(configuration: Self.configuration(endpoint: ga.endpoint), database: database) { api in
                try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
                let click = try await api.result("clicks.ingest", [
                    "slug": "deal", "referer": "https://example.com/a?utm_source=feed&utm_medium=rss", "user_agent": RedirectTests.browser,
                    "site_host": "example.com", "ga_client_id": "5.6", "ga_session_id": "1700000999", "consent": ["analytics_storage": "granted"],
                ])
                #expect(click["ga_status"] as? String == "queued")
                let view = try await api.result("pageviews.track", [
                    "path": "/post?x=1", "title": "A post", "host": "example.com", "referer": "https://search.example/q?s=me",
                    "user_agent": RedirectTests.browser, "ga_client_id": "5.6", "consent": ["analytics_storage": "granted"],
                ])
                #expect(view["ga_status"] as? String == "queued")
                let denied = try await api.result("pageviews.track", [
                    "path": "/post", "user_agent": RedirectTests.browser, "ga_client_id": "5.6", "consent": ["ad_storage": "granted"],
                ])
                #expect(denied["ga_status"] as? String == "no_consent")
                let received = try await ga.waitFor(2)
                let events = received.compactMap { ($0.json["events"] as? [[String: Any]])?.first }
                let clickParams = try #require(events.first { $0["name"] as? String == "affiliate_click" }?["params"] as? [String: Any])
                #expect(clickParams["session_id"] as? Int == 1_700_000_999)
                #expect(clickParams["source"] as? String == "feed")
                #expect(clickParams["page_location"] as? String == "https://example.com/a")
                let viewParams = try #require(events.first { $0["name"] as? String == "page_view" }?["params"] as? [String: Any])
                #expect(viewParams["page_location"] as? String == "https://example.com/post")
                #expect(viewParams["page_title"] as? String == "A post")
                #expect(viewParams["page_referrer"] as? String == "https://search.example/q")
                try await Self.waitForTheSenderToPassAgain(api, ga)
                #expect(ga.received().count == 3, "nothing but the marker since")
            }
        }
    }

    @Test func withoutGAConfiguredNothingIsReadOrQueued() async throws {
        let database = try await TestDatabase.make()
        try await TestService.run(configuration: RedirectTests.onSite, database: database) { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            _ = try await Self.visit(api, "/go/deal", cookies: [Self.clientCookie, Self.granted])
            let view = try await api.result("pageviews.track", [
                "path": "/post", "user_agent": RedirectTests.browser, "ga_client_id": "5.6", "consent": ["analytics_storage": "granted"],
            ])
            #expect(view["ga_status"] as? String == "not_applicable")
        }
        #expect(try await database.clickRows().map(\.ga_status) == ["not_applicable"])
        #expect(try await database.outboxRow() == nil)
    }
}

private enum Timestamp73HoursAgo {
    static var text: String {
        Date().addingTimeInterval(-73 * 3600).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }
}

struct OutboxRow {
    var state: String
    var attempts: Int
    var lastError: String?
}

extension TestDatabase {
    /// The first outbox event, if any.
    func outboxRow() async throws -> OutboxRow? {
        try await rows("SELECT state, attempts, last_error FROM ga_outbox ORDER BY id LIMIT 1").first.map { row in
            OutboxRow(state: (row["state"] ?? nil) ?? "", attempts: Int((row["attempts"] ?? nil) ?? "") ?? -1, lastError: row["last_error"] ?? nil)
        }
    }
}

extension GAForwardingTests {
    /// Returns once the sender delivered a page view queued now. It takes the earliest due
    /// events first, so an event that was still due would have reached GA before this marker:
    /// what GA got before the marker is all it will get.
    static func waitForTheSenderToPassAgain(_ api: TestAPI, _ ga: FakeGA) async throws {
        let before = ga.received().count
        let call = #"{"jsonrpc":"2.0","method":"pageviews.track","id":1,"params":{"path":"/marker","user_agent":"\#(RedirectTests.browser)","ga_client_id":"9.9","consent":{"analytics_storage":"granted"}}}"#
        _ = try await api.rpc(call)
        let received = try await ga.waitFor(before + 1)
        #expect(String(decoding: received[before].body, as: UTF8.self).contains("/marker"))
    }
}

