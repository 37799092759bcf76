import API
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct GAConfigurationTests {
    static let secret = "Sup3r-Secret_Value42"

    @Test func forwardingIsOffUnlessIDAndSecretAreBothSet() throws {
        let none = try AppConfiguration.resolve(overrides: [:], environment: [:])
        #expect(none.ga == nil)
        #expect(none.warnings.isEmpty)
        let half = try AppConfiguration.resolve(overrides: [:], environment: ["CLICKTRAIL_GA_MEASUREMENT_ID": "G-ABC123"])
        #expect(half.ga == nil)
        #expect(half.warnings.contains { $0.contains("CLICKTRAIL_GA_API_SECRET") })
    }

    @Test func theDefaultEndpointIsGoogleAndTheEUEndpointCanBeChosen() throws {
        let both = ["CLICKTRAIL_GA_MEASUREMENT_ID": "G-ABC123", "CLICKTRAIL_GA_API_SECRET": Self.secret]
        let standard = try #require(try AppConfiguration.resolve(overrides: [:], environment: both).ga)
        #expect(standard.endpoint.absoluteString == "https://www.google-analytics.com/mp/collect")
        #expect(!standard.validate)
        let eu = try #require(try AppConfiguration.resolve(overrides: [:], environment: both.merging([
            "CLICKTRAIL_GA_ENDPOINT": "https://region1.google-analytics.com/mp/collect", "CLICKTRAIL_GA_VALIDATE": "true",
        ]) { $1 }).ga)
        #expect(eu.endpoint.host == "region1.google-analytics.com")
        #expect(eu.validate)
        // What an operator may print: never the secret.
        #expect(!"\(eu)".contains(Self.secret))
        #expect(!String(reflecting: eu).contains(Self.secret))
    }

    @Test(arguments: [
        ["CLICKTRAIL_GA_MEASUREMENT_ID": "UA-1234-1"], ["CLICKTRAIL_GA_MEASUREMENT_ID": "G-"],
        ["CLICKTRAIL_GA_API_SECRET": "has space \(secret)"], ["CLICKTRAIL_GA_ENDPOINT": "ftp://ga.example/mp/collect"],
        ["CLICKTRAIL_GA_ENDPOINT": "https://ga.example/mp/collect?x=1"], ["CLICKTRAIL_GA_VALIDATE": "sometimes"],
    ])
    func badGASettingsAreRefusedWithTheirNameAndWithoutTheSecret(_ bad: [String: String]) {
        let environment = ["CLICKTRAIL_GA_MEASUREMENT_ID": "G-ABC123", "CLICKTRAIL_GA_API_SECRET": Self.secret].merging(bad) { $1 }
        do {
            _ = try AppConfiguration.resolve(overrides: [:], environment: environment)
            Issue.record("expected a configuration error")
        } catch {
            #expect(error.description.contains(bad.keys.first!))
            #expect(!error.description.contains(Self.secret))
        }
    }
}

@Suite struct GtagDefaultTests {
    /// Proxies, AsyncHTTPClient errors and GA itself echo URLs in their own encodings: the value of
    /// `api_secret` is redacted in every one, and the secret wherever else it appears.
    @Test func theAPISecretIsRedactedHoweverItIsEncoded() throws {
        let secret = "ab+cd/ef=="
        let settings = GASettings(measurementID: "G-TEST123", apiSecret: secret, endpoint: URL(string: GASettings.defaultEndpoint)!)
        let leaks = [
            "GA answered 400: /mp/collect?measurement_id=G-TEST123&api_secret=ab%2Bcd%2Fef%3D%3D",
            "GA answered 400: /mp/collect?api_secret=ab%2bcd%2fef%3d%3d&measurement_id=G-TEST123",
            "GA not reached: connect failed for https://x/mp/collect?api_secret=ab+cd/ef==&measurement_id=G-TEST123",
            "GA not reached: \"https://x/mp/collect?API_SECRET=ab%2Bcd/ef%3D%3D\"",
            "echo: ab+cd/ef== and ab%2Bcd%2Fef%3D%3D",
        ]
        for leak in leaks {
            let redacted = settings.redacting(leak)
            #expect(!redacted.contains("cd"), "\(redacted)")
            #expect(redacted.contains("[redacted]"))
        }
        #expect(settings.redacting("measurement_id=G-TEST123") == "measurement_id=G-TEST123")
        #expect(!settings.collectURL.contains("ab+cd"))
    }

    @Test func theSnippetRendersTheSubjectsStoredConsent() async throws {
        try await TestService.run { api in
            _ = try await api.result("consent.set", ["subject": "111.222", "signals": ["analytics_storage": "granted", "ad_user_data": "granted"]])
            let token = try await api.token(.statsRead)
            let response = try await api.send(.get, "/api/v1/consent/gtag-default?subject=111.222", token: token)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(response.headers[.cacheControl] == "private, no-store")
            #expect(String(buffer: response.body) == """
                gtag('consent', 'default', {
                  'analytics_storage': 'granted',
                  'ad_storage': 'denied',
                  'ad_user_data': 'granted',
                  'ad_personalization': 'denied'
                });

                """)
            let unknown = try await api.send(.get, "/api/v1/consent/gtag-default?subject=someone-new", token: token)
            #expect(String(buffer: unknown.body).components(separatedBy: "'denied'").count == 5)
            #expect(!String(buffer: unknown.body).contains("granted"))
        }
    }

    @Test func aMissingOrBadSubjectOrTokenIsRefused() async throws {
        try await TestService.run { api in
            let token = try await api.token(.statsRead)
            let missing = try await api.send(.get, "/api/v1/consent/gtag-default", token: token)
            #expect(missing.status == .badRequest)
            #expect(try missing.problem()["detail"] as? String == "subject is required: the GA client id or visitor id whose consent to render")
            let email = try await api.send(.get, "/api/v1/consent/gtag-default?subject=me%40example.com", token: token)
            #expect(email.status == .badRequest)
            #expect(try await api.send(.get, "/api/v1/consent/gtag-default?subject=1.2").status == .unauthorized)
            let ingestOnly = try await api.token(.ingest)
            #expect(try await api.send(.get, "/api/v1/consent/gtag-default?subject=1.2", token: ingestOnly).status == .forbidden)
            #expect(try await api.send(.get, "/api/v1/stats/outbox", token: ingestOnly).status == .forbidden)
            #expect(try await api.send(.post, "/api/v1/stats/outbox", token: token).status == .methodNotAllowed)
        }
    }
}
