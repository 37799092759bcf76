import Foundation
import NIOCore

/// The machine-readable descriptions shipped with the service.
enum APIDocuments {
    /// `openapi.yaml`, read once at start-up so a missing resource fails there, not per request.
    static func openAPI() throws -> ByteBuffer {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return ByteBuffer(bytes: try Data(contentsOf: url))
    }
}
