import Foundation
import NIOCore

/// The machine-readable descriptions shipped with the service, read once at start-up so a
/// missing resource fails there, not per request.
enum APIDocuments {
    static func openAPI() throws -> ByteBuffer {
        ByteBuffer(bytes: try resource("openapi", "yaml"))
    }

    /// `openrpc.json`, the answer of `rpc.discover`.
    static func openRPC() throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: try resource("openrpc", "json"))
    }

    private static func resource(_ name: String, _ type: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: name, withExtension: type) else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: url)
    }
}
