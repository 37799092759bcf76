import API
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServiceLifecycle
import Storage
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The real application on a loopback port over a fresh database of the backend under test
/// (`CLICKTRAIL_TEST_BACKEND`), with two admin keys.
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
        database: TestDatabase? = nil,
        gaRetryPolicy: RetryPolicy = .standard,
        logs: LogCapture? = nil,
        jsonLogs: Bool = false,
        clickQueueCapacity: Int = ClickWriter.defaultCapacity,
        _ body: @Sendable (TestAPI) async throws -> Void
    ) async throws {
        AppMetrics.bootstrap()
        let authority = await TokenAuthority(keySet: try AdminKeySet(keys: keys))
        let store: TestDatabase
        if let database { store = database } else { store = try await TestDatabase.make() }
        let database = store
        var logger = logs.map { jsonLogs ? $0.jsonLogger() : $0.logger() } ?? Logger(label: "clicktrail-test")
        if logs == nil { logger.logLevel = .warning }
        var dependencies = AppDependencies(
            storage: database.storage, tokenAuthority: authority, botMatcher: try botMatcher.get(),
            clickWriter: ClickWriter(store: database.storage.clicks, capacity: clickQueueCapacity, logger: logger))
        dependencies.gaRetryPolicy = gaRetryPolicy
        var configuration = configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let app = try buildApplication(configuration: configuration, dependencies: dependencies, logger: logger)
        try await app.test(.live) { client in
            // Traffic waits for readiness, as behind a load balancer: on PostgreSQL the instance
            // is ready once its link change feed listens.
            try await eventually { try await client.execute(uri: "/readyz", method: .get).status == .ok }
            try await body(TestAPI(client: client, authority: authority, database: database))
        }
    }
}

extension TestService {
    /// Runs the application exactly as `serve` does, on a free loopback port, for settings that
    /// HummingbirdTesting's live mode drops (its `with(address:)` forgets the connection cap).
    static func runServing(configuration: AppConfiguration, _ body: @Sendable (_ port: Int) async throws -> Void) async throws {
        AppMetrics.bootstrap()
        let database = try await TestDatabase.make()
        var logger = Logger(label: "clicktrail-test")
        logger.logLevel = .warning
        let dependencies = AppDependencies(
            storage: database.storage, tokenAuthority: await TokenAuthority(keySet: try AdminKeySet(keys: [signingKey])),
            botMatcher: try botMatcher.get(), clickWriter: ClickWriter(store: database.storage.clicks, logger: logger))
        var configuration = configuration
        configuration.host = "127.0.0.1"
        configuration.port = try freePort()
        let app = try buildApplication(configuration: configuration, dependencies: dependencies, logger: logger)
        let group = ServiceGroup(services: [app], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { tasks.cancelAll() }
            // Ready when it accepts a connection.
            let deadline = ContinuousClock.now + .seconds(10)
            while (try? RawSocket(port: configuration.port)) == nil {
                guard ContinuousClock.now < deadline else { throw TestFailure("the service did not start") }
                try await Task.sleep(for: .milliseconds(10))
            }
            try await body(configuration.port)
            await group.triggerGracefulShutdown()
            try await tasks.next()
        }
    }

    /// A port nothing listens on right now, as the kernel hands them out.
    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw TestFailure("no free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A client of the running test service that speaks its JSON.
struct TestAPI: Sendable {
    let client: any TestClientProtocol
    let authority: TokenAuthority
    let database: TestDatabase

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
