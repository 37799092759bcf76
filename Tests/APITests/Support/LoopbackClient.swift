import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// A real HTTP client against the test service's port, for what the test framework's client
/// cannot do: many requests at once, a `Host` of our choosing.
enum LoopbackClient {
    static func withClient<Value>(_ body: (HTTPClient) async throws -> Value) async throws -> Value {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        do {
            let value = try await body(client)
            try await client.shutdown()
            return value
        } catch {
            try await client.shutdown()
            throw error
        }
    }

    /// GET `url` with `headers`; answers the status code.
    static func get(_ client: HTTPClient, _ url: String, headers: [(String, String)]) async throws -> UInt {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        return try await client.execute(request, timeout: .seconds(30)).status.code
    }
}
