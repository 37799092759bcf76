import Foundation
import Hummingbird
import Logging

/// One `info` line per request once it is answered: method, path without its query (queries can
/// carry campaign values and subjects), route, status and duration. Never the client's address,
/// its user agent or any header (SPEC §2).
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let milliseconds = (ContinuousClock.now - started) / .microseconds(1) / 1000
        context.logger.info(
            "request",
            metadata: [
                "method": .string(request.method.rawValue), "path": .string(request.uri.path),
                "route": .string(context.endpointPath ?? "none"), "status": .stringConvertible(response.status.code),
                "duration_ms": .string(String(format: "%.3f", milliseconds)),
            ])
        return response
    }
}
