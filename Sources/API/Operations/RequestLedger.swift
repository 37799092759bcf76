import Foundation
import Hummingbird
import Logging
import Metrics
import Synchronization

/// What every answered request leaves behind, whichever path answered it (the router or
/// `RedirectFastPath`): Prometheus-style metrics per route, method and status, and one `info`
/// access-log line.
///
/// Metrics: Hummingbird's own `MetricsMiddleware` labels with the raw method, which a client can
/// invent freely (`PROPFIND /go/x`); here methods outside HTTP's common set become `other`, routes
/// are the router's patterns (`/go/{slug}`, never a slug; `NotFound` for unmatched paths), so the
/// label set stays bounded whatever clients send.
///
/// Log line: method, path without its query (queries can carry campaign values and subjects),
/// route, status, duration, and which path answered (`event_loop` for redirects `RedirectFastPath`
/// wrote, `router` otherwise: a run of `/go/` lines answered by the router under load means the
/// click queue is full). Never the client's address, its user agent or any header (docs/architecture.md, "Privacy").
final class RequestLedger: Sendable {
    private let series = Mutex<[SeriesKey: Series]>([:])

    enum AnsweringPath: String {
        case router
        case eventLoop = "event_loop"
    }

    func answered(
        method: HTTPRequest.Method, path: String, route: String?, status: HTTPResponse.Status,
        since started: ContinuousClock.Instant, by answeringPath: AnsweringPath, logger: Logger
    ) {
        let duration = ContinuousClock.now - started
        let metrics = series(route: route ?? "NotFound", method: labelledMethods.contains(method) ? method.rawValue : "other", status: status.code)
        metrics.requests.increment()
        metrics.duration.record(duration: duration)
        logger.info(
            "request",
            metadata: [
                "method": .string(method.rawValue), "path": .string(path), "route": .string(route ?? "none"),
                "status": .stringConvertible(status.code), "answered_by": .string(answeringPath.rawValue),
                "duration_ms": .string(String(format: "%.3f", Double(duration / .nanoseconds(1)) / 1_000_000)),
            ])
    }

    private struct SeriesKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private struct Series: Sendable {
        let requests: Counter
        let duration: Timer
    }

    /// Made once per label combination: creating one is a registry lookup under a lock.
    private func series(route: String, method: String, status: Int) -> Series {
        let key = SeriesKey(route: route, method: method, status: status)
        return series.withLock { all in
            if let existing = all[key] { return existing }
            let labels = [("http_route", route), ("http_request_method", method), ("http_response_status_code", String(status))]
            let made = Series(
                requests: Counter(label: "http_requests_total", dimensions: labels),
                duration: Timer(label: "http_request_duration_seconds", dimensions: labels))
            all[key] = made
            return made
        }
    }
}

/// Built once: this runs for every request, redirects included.
private let labelledMethods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .patch, .delete, .options]

/// The router's side of the ledger. It sits outside the problem middleware, so it sees the
/// status the client gets.
struct RequestLedgerMiddleware<Context: RequestContext>: RouterMiddleware {
    let ledger: RequestLedger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        ledger.answered(
            method: request.method, path: request.uri.path, route: context.endpointPath, status: response.status,
            since: started, by: .router, logger: context.logger)
        return response
    }
}
