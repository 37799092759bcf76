import API
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The dashboard's sign-in, its cookie and where that cookie counts. The browser suite
/// (Tests/Dashboard) drives the same pages through Chromium.
@Suite struct DashboardSessionTests {
    static let sameOrigin: HTTPFields = [HTTPField.Name("Sec-Fetch-Site")!: "same-origin"]
    static let dashboardWrite: HTTPFields = [HTTPField.Name("Sec-Fetch-Site")!: "same-origin", HTTPField.Name("X-Clicktrail-Dashboard")!: "1"]

    static func signIn(_ api: TestAPI, token: String, headers: HTTPFields = [.origin: "http://localhost"]) async throws -> TestResponse {
        var fields = headers
        fields[.contentType] = "application/x-www-form-urlencoded"
        let form = "token=" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        return try await api.client.execute(uri: "/dashboard/session", method: .post, headers: fields, body: ByteBuffer(string: form))
    }

    /// The session cookie's value and attributes, from a sign-in's `Set-Cookie`.
    static func sessionCookie(_ response: TestResponse) throws -> (value: String, attributes: [String: String]) {
        let header = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("clicktrail_session=") })
        var parts = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let value = String(parts.removeFirst().dropFirst("clicktrail_session=".count))
        var attributes: [String: String] = [:]
        for part in parts {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            attributes[pair[0].lowercased()] = pair.count == 2 ? pair[1] : ""
        }
        return (value, attributes)
    }

    static func withCookie(_ value: String, _ headers: HTTPFields) -> HTTPFields {
        var fields = headers
        fields[.cookie] = "clicktrail_session=\(value)"
        return fields
    }

    @Test func aValidTokenSignsInWithAStrictHttpOnlyCookieEndingWithTheToken() async throws {
        try await TestService.run { api in
            let token = try await api.authority.mint(scopes: [.statsRead], subject: "editor", lifetime: 1800)
            let response = try await Self.signIn(api, token: token)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/dashboard/")
            let cookie = try Self.sessionCookie(response)
            #expect(cookie.value == token)
            #expect(cookie.attributes["httponly"] != nil)
            #expect(cookie.attributes["samesite"] == "Strict")
            #expect(cookie.attributes["path"] == "/")
            #expect(cookie.attributes["secure"] == nil, "plain HTTP from no trusted proxy")
            let maxAge = try #require(Int(cookie.attributes["max-age"] ?? ""))
            #expect((1790...1800).contains(maxAge))

            let session = try await api.client.execute(uri: "/dashboard/session", method: .get, headers: Self.withCookie(cookie.value, Self.sameOrigin))
            #expect(session.status == .ok)
            let body = try session.jsonObject()
            #expect(body["scopes"] as? [String] == ["stats:read"])
            #expect(body["subject"] as? String == "editor")
        }
    }

    @Test func theCookieIsSecureWhenATrustedProxySaysHTTPS() async throws {
        var configuration = AppConfiguration()
        configuration.trustedProxies = try TrustedProxies(parsing: "127.0.0.1, ::1")
        try await TestService.run(configuration: configuration) { api in
            let token = try await api.token(.statsRead)
            let forwarded = try await Self.signIn(api, token: token, headers: [.origin: "https://localhost", HTTPField.Name("X-Forwarded-Proto")!: "https"])
            #expect(try Self.sessionCookie(forwarded).attributes["secure"] != nil)
            let rfc7239 = try await Self.signIn(api, token: token, headers: [.origin: "https://localhost", HTTPField.Name("Forwarded")!: "for=1.2.3.4;proto=https"])
            #expect(try Self.sessionCookie(rfc7239).attributes["secure"] != nil)
        }
    }

    @Test func aProxyThatIsNotTrustedCannotMakeTheCookieSecure() async throws {
        try await TestService.run { api in
            let response = try await Self.signIn(
                api, token: try await api.token(.statsRead), headers: [.origin: "http://localhost", HTTPField.Name("X-Forwarded-Proto")!: "https"])
            #expect(try Self.sessionCookie(response).attributes["secure"] == nil)
        }
    }

    @Test func badSignInsAnswerTheFormAgainWithWhy() async throws {
        try await TestService.run { api in
            let missing = try await Self.signIn(api, token: "")
            #expect(missing.status == .badRequest)
            #expect(String(buffer: missing.body).contains("Paste a token"))
            let forged = try await Self.signIn(api, token: HandMadeJWT(kid: "current", claims: ["exp": 4_102_444_800, "scope": "admin"]).signed(with: Array("wrong-secret".utf8)))
            #expect(forged.status == .unauthorized)
            #expect(String(buffer: forged.body).contains("signature does not verify"))
            let expired = try await Self.signIn(api, token: try await api.authority.mint(scopes: [.admin], subject: nil, lifetime: -3600))
            #expect(expired.status == .unauthorized)
            #expect(String(buffer: expired.body).contains("expired"))
            let ingestOnly = try await Self.signIn(api, token: try await api.token(.ingest))
            #expect(ingestOnly.status == .forbidden)
            for response in [missing, forged, expired, ingestOnly] {
                #expect(response.headers[values: .setCookie].isEmpty)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            }
        }
    }

    /// A sign-in form on another site must not sign the visitor in with the attacker's token.
    @Test func aSignInFromAnotherOriginIsRefused() async throws {
        try await TestService.run { api in
            let token = try await api.token(.admin)
            let foreign = try await Self.signIn(api, token: token, headers: [.origin: "https://evil.example"])
            #expect(foreign.status == .forbidden)
            #expect(foreign.headers[values: .setCookie].isEmpty)
            let crossSite = try await Self.signIn(api, token: token, headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            #expect(crossSite.status == .forbidden)
            let noOrigin = try await Self.signIn(api, token: token, headers: [:])
            #expect(noOrigin.status == .forbidden)
        }
    }

    @Test func theCookieReadsTheAPIOnlyFromTheDashboardsOwnOrigin() async throws {
        try await TestService.run { api in
            let cookie = try await api.token(.statsRead)
            func read(_ headers: HTTPFields) async throws -> HTTPResponse.Status {
                try await api.client.execute(uri: "/api/v1/stats/links", method: .get, headers: Self.withCookie(cookie, headers)).status
            }
            #expect(try await read(Self.sameOrigin) == .ok)
            #expect(try await read([.origin: "http://localhost"]) == .ok)
            #expect(try await read([:]) == .ok, "a browser sending neither header: SameSite=Strict kept other sites' requests cookie-less")
            #expect(try await read([HTTPField.Name("Sec-Fetch-Site")!: "cross-site"]) == .forbidden)
            #expect(try await read([HTTPField.Name("Sec-Fetch-Site")!: "same-site"]) == .forbidden)
            #expect(try await read([.origin: "https://evil.example"]) == .forbidden)
            #expect(try await read([.origin: "null"]) == .forbidden)
        }
    }

    @Test func aWriteWithTheCookieNeedsTheDashboardHeaderAndTheOwnOrigin() async throws {
        try await TestService.run { api in
            let cookie = try await api.token(.linksWrite)
            func create(_ slug: String, _ headers: HTTPFields) async throws -> TestResponse {
                var fields = Self.withCookie(cookie, headers)
                fields[.contentType] = "application/json"
                return try await api.client.execute(
                    uri: "/api/v1/links", method: .post, headers: fields, body: ByteBuffer(string: #"{"slug":"\#(slug)","url":"https://shop.example/"}"#))
            }
            let withoutHeader = try await create("a", Self.sameOrigin)
            #expect(withoutHeader.status == .forbidden)
            #expect(try withoutHeader.problem()["detail"] as? String == "a write with the dashboard's session needs the header 'X-Clicktrail-Dashboard: 1'")
            #expect(try await create("b", [.origin: "https://evil.example", HTTPField.Name("X-Clicktrail-Dashboard")!: "1"]).status == .forbidden)
            #expect(try await create("c", [HTTPField.Name("X-Clicktrail-Dashboard")!: "1"]).status == .forbidden, "a write must say where it came from")
            #expect(try await create("d", Self.dashboardWrite).status == .created)
            #expect(try await create("e", [.origin: "http://localhost", HTTPField.Name("X-Clicktrail-Dashboard")!: "1"]).status == .created)
            let kept = try await api.admin(.get, "/api/v1/links?limit=10").jsonObject()["items"] as? [[String: Any]] ?? []
            #expect(kept.compactMap { $0["slug"] as? String }.sorted() == ["d", "e"])
        }
    }

    @Test func aStatsReadSessionCannotWrite() async throws {
        try await TestService.run { api in
            var fields = Self.withCookie(try await api.token(.statsRead), Self.dashboardWrite)
            fields[.contentType] = "application/json"
            let response = try await api.client.execute(
                uri: "/api/v1/links", method: .post, headers: fields, body: ByteBuffer(string: #"{"slug":"x","url":"https://shop.example/"}"#))
            #expect(response.status == .forbidden)
            #expect(try response.problem()["detail"] as? String == "this token lacks the scope 'links:write'")
        }
    }

    @Test func theCookieDoesNotCountForJSONRPC() async throws {
        try await TestService.run { api in
            var fields = Self.withCookie(try await api.token(.ingest), Self.dashboardWrite)
            fields[.contentType] = "application/json"
            let response = try await api.client.execute(
                uri: "/rpc", method: .post, headers: fields, body: ByteBuffer(string: #"{"jsonrpc":"2.0","method":"rpc.discover","id":1}"#))
            #expect(response.status == .unauthorized)
        }
    }

    @Test func signingOutClearsTheCookieAndThePagesSendYouToSignIn() async throws {
        try await TestService.run { api in
            let cookie = try await api.token(.statsRead)
            let page = try await api.client.execute(uri: "/dashboard/", method: .get, headers: Self.withCookie(cookie, [:]))
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("/dashboard/assets/app.js"))

            let form = try await api.client.execute(
                uri: "/dashboard/session/delete", method: .post, headers: Self.withCookie(cookie, [.origin: "http://localhost"]))
            #expect(form.status == .seeOther)
            #expect(form.headers[.location] == "/dashboard/sign-in")
            let cleared = try Self.sessionCookie(form)
            #expect(cleared.value.isEmpty && cleared.attributes["max-age"] == "0")
            let script = try await api.client.execute(uri: "/dashboard/session", method: .delete, headers: Self.withCookie(cookie, Self.dashboardWrite))
            #expect(script.status == .noContent)
            #expect(try Self.sessionCookie(script).attributes["max-age"] == "0")
            let foreign = try await api.client.execute(
                uri: "/dashboard/session/delete", method: .post, headers: Self.withCookie(cookie, [.origin: "https://evil.example"]))
            #expect(foreign.status == .forbidden)

            for headers in [[:], Self.withCookie(try await api.authority.mint(scopes: [.statsRead], subject: nil, lifetime: -3600), [:])] as [HTTPFields] {
                let signedOut = try await api.client.execute(uri: "/dashboard/", method: .get, headers: headers)
                #expect(signedOut.status == .seeOther)
                #expect(signedOut.headers[.location] == "/dashboard/sign-in")
            }
            let session = try await api.client.execute(uri: "/dashboard/session", method: .get, headers: Self.sameOrigin)
            #expect(session.status == .unauthorized)
        }
    }

    @Test func everyDashboardAnswerCarriesTheSecurityHeaders() async throws {
        try await TestService.run { api in
            let cookie = try await api.token(.statsRead)
            let answers = [
                try await api.client.execute(uri: "/dashboard/", method: .get, headers: Self.withCookie(cookie, [:])),
                try await api.client.execute(uri: "/dashboard/", method: .get),
                try await api.client.execute(uri: "/dashboard/sign-in", method: .get),
                try await api.client.execute(uri: "/dashboard/assets/app.js", method: .get),
                try await api.client.execute(uri: "/dashboard/assets/app.css", method: .get),
                try await api.client.execute(uri: "/dashboard/assets/chart.min.js", method: .get),
                try await api.client.execute(uri: "/dashboard/assets/missing.js", method: .get),
                try await api.client.execute(uri: "/dashboard/session", method: .get),
                try await Self.signIn(api, token: "not-a-token"),
            ]
            #expect(answers.map(\.status) == [.ok, .seeOther, .ok, .ok, .ok, .ok, .notFound, .unauthorized, .unauthorized])
            for answer in answers {
                #expect(answer.headers[.contentSecurityPolicy] == "default-src 'self'")
                #expect(answer.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(answer.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            }
            #expect(answers[3].headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(answers[4].headers[.contentType] == "text/css; charset=utf-8")
        }
    }
}
