import API
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct OperationalEndpointsTests {
    @Test func healthAndReadinessAnswerWithoutAToken() async throws {
        try await TestService.run { api in
            for path in ["/healthz", "/readyz"] {
                let response = try await api.send(.get, path)
                #expect(response.status == .ok)
                #expect(try response.jsonObject()["status"] as? String == "ok")
            }
        }
    }

    @Test func theOpenAPIDocumentIsServed() async throws {
        try await TestService.run { api in
            let response = try await api.send(.get, "/openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/yaml")
            let text = String(buffer: response.body)
            #expect(text.hasPrefix("openapi: 3.1"))
            #expect(text.contains("/api/v1/links/{slug}:"))
        }
    }

    /// Schema-driven clients (and schemathesis) must accept and refuse exactly what the server does.
    @Test func theDocumentPublishesTheServersOwnPatterns() async throws {
        try await TestService.run { api in
            let text = String(buffer: try await api.send(.get, "/openapi.yaml").body)
            func yamlQuoted(_ pattern: String) -> String {
                "pattern: \"" + pattern.replacingOccurrences(of: "\\", with: "\\\\") + "\""
            }
            #expect(text.contains(yamlQuoted(DestinationURL.pattern)))
            #expect(text.contains(yamlQuoted("^[a-z0-9][a-z0-9_-]{0,62}$")))
        }
    }

    @Test func anUnknownPathAnswers404Problem() async throws {
        try await TestService.run { api in
            let response = try await api.send(.get, "/no/such/thing")
            #expect(response.status == .notFound)
            _ = try response.problem()
        }
    }

    @Test func aWrongMethodAnswers405WithAllow() async throws {
        try await TestService.run { api in
            let onHealth = try await api.send(.post, "/healthz")
            #expect(onHealth.status == .methodNotAllowed)
            #expect(onHealth.headers[.allow] == "GET, HEAD")
            _ = try onHealth.problem()
            let onLinks = try await api.admin(.delete, "/api/v1/links")
            #expect(onLinks.status == .methodNotAllowed)
            #expect(onLinks.headers[.allow] == "GET, HEAD, POST")
            let invented = try await api.send(HTTPRequest.Method("QUERY")!, "/api/v1/links/some-slug")
            #expect(invented.status == .methodNotAllowed)
            #expect(invented.headers[.allow] == "GET, HEAD, PUT, PATCH, DELETE")
        }
    }

    @Test func headAnswersLikeGetWithoutABody() async throws {
        try await TestService.run { api in
            let response = try await api.send(.head, "/healthz")
            #expect(response.status == .ok)
            #expect(response.body.readableBytes == 0)
        }
    }
}
