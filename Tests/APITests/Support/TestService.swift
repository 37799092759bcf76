import API
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Storage

/// The real application on a loopback port over an in-memory database, with two admin keys.
enum TestService {
    static let signingKey = AdminKeySet.Key(kid: "current", secret: Array("0123456789abcdef0123456789abcdef".utf8))
    static let olderKey = AdminKeySet.Key(kid: "previous", secret: Array("fedcba9876543210fedcba9876543210xy".utf8))

    /// The built-in bot lists, compiled once for the whole test run.
    static let botMatcher = Result { try BotLists.matcher() }

    /// Runs `body` against a fresh service and returns once the service has shut down gracefully,
    /// so everything it recorded is in `database` afterwards.
    static func run(
        keys: [AdminKeySet.Key] = [signingKey, olderKey],
        configuration: AppConfiguration = AppConfiguration(),
        database: AppDatabase? = nil,
        gaRetryPolicy: RetryPolicy = .standard,
        logs: LogCapture? = nil,
        jsonLogs: Bool = false,
        clickQueueCapacity: Int = ClickWriter.defaultCapacity,
        _ body: @Sendable (TestAPI) async throws -> Void
    ) async throws {
        AppMetrics.bootstrap()
        let authority = await TokenAuthority(keySet: try AdminKeySet(keys: keys))
        let database = try database ?? AppDatabase.inMemory()
        var logger = logs.map { jsonLogs ? $0.jsonLogger() : $0.logger() } ?? Logger(label: "clicktrail-test")
        if logs == nil { logger.logLevel = .warning }
        var dependencies = AppDependencies(
            database: database, tokenAuthority: authority, botMatcher: try botMatcher.get(),
            clickWriter: ClickWriter(database: database, capacity: clickQueueCapacity, logger: logger))
        dependencies.gaRetryPolicy = gaRetryPolicy
        var configuration = configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let app = try buildApplication(configuration: configuration, dependencies: dependencies, logger: logger)
        try await app.test(.live) { client in
            try await body(TestAPI(client: client, authority: authority, database: database))
        }
    }
}

/// A client of the running test service that speaks its JSON.
struct TestAPI: Sendable {
    let client: any TestClientProtocol
    let authority: TokenAuthority
    let database: AppDatabase

    /// A token minted by the code under test.
    func token(_ scopes: Scope..., subject: String? = "test") async throws -> String {
        try await authority.mint(scopes: scopes, subject: subject, lifetime: 3600)
    }

    func send(
        _ method: HTTPRequest.Method, _ path: String, token: String? = nil, json: String? = nil,
        contentType: String = "application/json", headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var fields = headers
        if let token { fields[.authorization] = "Bearer \(token)" }
        if json != nil { fields[.contentType] = contentType }
        return try await client.execute(
            uri: path, method: method, headers: fields, body: json.map { ByteBuffer(string: $0) })
    }

    /// Sends with a token holding `admin`.
    func admin(_ method: HTTPRequest.Method, _ path: String, json: String? = nil, contentType: String = "application/json")
        async throws -> TestResponse
    {
        try await send(method, path, token: try await token(.admin), json: json, contentType: contentType)
    }

    /// Creates a link from `json` and fails unless it was created.
    @discardableResult
    func createLink(_ json: String) async throws -> [String: Any] {
        let response = try await admin(.post, "/api/v1/links", json: json)
        guard response.status == .created else {
            throw TestFailure("creating \(json) answered \(response.status): \(String(buffer: response.body))")
        }
        return try response.jsonObject()
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension TestResponse {
    func jsonObject() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] else {
            throw TestFailure("body is not a JSON object: \(String(buffer: body))")
        }
        return object
    }

    /// The problem document of an error response, after checking its media type and required members.
    func problem() throws -> [String: Any] {
        guard headers[.contentType] == "application/problem+json" else {
            throw TestFailure("content type is \(headers[.contentType] ?? "none"), body \(String(buffer: body))")
        }
        let object = try jsonObject()
        guard object["type"] is String, object["title"] is String, object["detail"] is String,
            object["status"] as? Int == Int(status.code)
        else {
            throw TestFailure("problem lacks type, title, detail or the right status: \(object)")
        }
        return object
    }
}
