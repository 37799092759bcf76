import Foundation
import Hummingbird

/// Unauthenticated probes for orchestrators, and the API description.
struct HealthController {
    let isReachable: @Sendable () async -> Bool
    let openAPIDocument: ByteBuffer

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("healthz") { _, _ in HealthStatus(status: "ok") }
        router.get("readyz") { _, _ in
            guard await isReachable() else {
                throw Problem(status: .serviceUnavailable, detail: "the database does not answer")
            }
            return HealthStatus(status: "ok")
        }
        router.get("openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: .init(byteBuffer: openAPIDocument))
        }
    }
}

struct HealthStatus: ResponseEncodable {
    var status: String
}
