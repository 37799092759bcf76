import Hummingbird
import Metrics
import Synchronization

/// Requests per route, method and status, and their duration, as Prometheus-style metrics.
/// Hummingbird's own `MetricsMiddleware` labels with the raw method, which a client can invent
/// freely (`BREW /go/x`); here methods outside HTTP's registered set become `other`, routes are
/// the router's patterns (`/go/{slug}`, never a slug; Hummingbird's `NotFound` for unmatched paths), so the label
/// set stays bounded whatever clients send.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {

    private let series = RequestSeries()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let metrics = series.for(
            route: context.endpointPath ?? "NotFound",
            method: labelledMethods.contains(request.method) ? request.method.rawValue : "other",
            status: Int(response.status.code))
        metrics.requests.increment()
        metrics.duration.record(duration: ContinuousClock.now - started)
        return response
    }
}

/// Built once: this runs for every request, redirects included.
private let labelledMethods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .patch, .delete, .options]

/// The metrics of each label combination, made once: creating one is a registry lookup under a lock.
private final class RequestSeries: Sendable {
    struct Key: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    struct Series: Sendable {
        let requests: Counter
        let duration: Timer
    }

    private let all = Mutex<[Key: Series]>([:])

    func `for`(route: String, method: String, status: Int) -> Series {
        let key = Key(route: route, method: method, status: status)
        return all.withLock { all in
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
