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

@Suite struct OperationsTests {
    static let browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"

    /// The value of the sample `name{labels}` in a Prometheus exposition, 0 when absent.
    static func sample(_ text: String, _ name: String, _ labels: [String: String] = [:]) -> Double {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let series = line[..<space]
            let metric = series.prefix { $0 != "{" }
            guard metric == name else { continue }
            let present = labels.allSatisfy { key, value in series.contains("\(key)=\"\(value)\"") }
            if present, let value = Double(line[line.index(after: space)...]) { return value }
        }
        return 0
    }

    static func scrape(_ api: TestAPI) async throws -> String {
        let response = try await api.send(.get, "/metrics")
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
        return String(buffer: response.body)
    }

    @Test func metricsCountRequestsHitsAndStateWithoutSlugsInLabels() async throws {
        try await TestService.run { api in
            // The registry is the process's: other tests add to it too, so only growth is compared.
            try await api.createLink(#"{"slug":"metrics-secret-slug","url":"https://shop.example/"}"#)
            let before = try await Self.scrape(api)
            let counted: HTTPFields = [.userAgent: Self.browser, .referer: "http://localhost/blog/post"]
            for _ in 0..<3 { _ = try await api.send(.get, "/go/metrics-secret-slug", headers: counted) }
            _ = try await api.send(.get, "/go/metrics-secret-slug", headers: [.userAgent: "curl/8.5.0"])
            _ = try await api.send(.get, "/go/no-such-slug-here")
            // Clicks reach the counters when their batch is written, a moment after the redirect.
            var after = ""
            try await eventually(within: .seconds(5)) {
                after = try await Self.scrape(api)
                return Self.sample(after, "clicktrail_hits_total", ["reason": "ok"]) - Self.sample(before, "clicktrail_hits_total", ["reason": "ok"]) >= 3
                    && Self.sample(after, "clicktrail_hits_total", ["reason": "bot"]) - Self.sample(before, "clicktrail_hits_total", ["reason": "bot"]) >= 1
            }
            #expect(Self.sample(after, "clicktrail_hits_total", ["reason": "bot"]) - Self.sample(before, "clicktrail_hits_total", ["reason": "bot"]) >= 1)
            #expect(Self.sample(after, "clicktrail_clicks_counted_total") - Self.sample(before, "clicktrail_clicks_counted_total") >= 3)
            let redirects = ["http_route": "/go/{slug}", "http_response_status_code": "302", "http_request_method": "GET"]
            #expect(Self.sample(after, "http_requests_total", redirects) - Self.sample(before, "http_requests_total", redirects) >= 4)
            #expect(Self.sample(after, "http_request_duration_seconds_count", redirects) >= 4)
            #expect(after.contains("http_request_duration_seconds_bucket{"))
            #expect(Self.sample(after, "http_requests_total", ["http_route": "/go/{slug}", "http_response_status_code": "404"]) >= 1)
            #expect(Self.sample(after, "clicktrail_click_batch_duration_seconds_count") >= 1)
            for name in ["clicktrail_click_queue_depth", "clicktrail_outbox_oldest_queued_age_seconds"] {
                #expect(after.contains("\n\(name) ") || after.hasPrefix("\(name) "), "\(name) is exposed")
            }
            for state in ["queued", "sent", "failed", "dead"] {
                #expect(after.contains("clicktrail_outbox_events{state=\"\(state)\"}"))
            }
            // Slugs are unbounded (and may be private): labels carry the route pattern only.
            #expect(!after.contains("metrics-secret-slug") && !after.contains("no-such-slug-here"))
        }
    }

    @Test func anInventedMethodIsLabelledOther() async throws {
        try await TestService.run { api in
            let before = try await Self.scrape(api)
            let response = try await api.send(HTTPRequest.Method("PROPFIND")!, "/go/anything")
            #expect(response.status == .methodNotAllowed)
            let after = try await Self.scrape(api)
            let labels = ["http_route": "NotFound", "http_request_method": "other", "http_response_status_code": "405"]
            #expect(Self.sample(after, "http_requests_total", labels) - Self.sample(before, "http_requests_total", labels) >= 1)
            #expect(!after.contains("PROPFIND"))
        }
    }

    @Test func jsonLogsAreOneObjectALineWithAnAccessLineThatKeepsVisitorsOut() async throws {
        let logs = LogCapture()
        try await TestService.run(logs: logs, jsonLogs: true) { api in
            try await api.createLink(#"{"slug":"deal","url":"https://shop.example/"}"#)
            _ = try await api.send(
                .get, "/go/deal?utm_source=newsletter&email=someone%40example.com",
                headers: [.userAgent: "Mozilla/5.0 (Secret Browser 1.0)", .referer: "http://localhost/blog/post"])
        }
        let objects = try logs.all.map { line in
            #expect(!line.contains("\n"))
            return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
        for object in objects {
            #expect(object["time"] is String && object["level"] is String && object["label"] is String && object["message"] is String)
        }
        let access = try #require(objects.first { ($0["metadata"] as? [String: Any])?["path"] as? String == "/go/deal" })
        #expect(access["level"] as? String == "info" && access["message"] as? String == "request")
        #expect(access["request_id"] is String)
        let fields = try #require(access["metadata"] as? [String: Any])
        #expect(fields["status"] as? String == "302" && fields["route"] as? String == "/go/{slug}" && fields["method"] as? String == "GET")
        let everything = logs.all.joined(separator: "\n")
        #expect(!everything.contains("Secret Browser") && !everything.contains("someone") && !everything.contains("127.0.0.1"))
        #expect(!everything.contains(TestService.signingKey.kid + ":"))
    }
}
