import Domain
import Foundation
import Hummingbird
import Metrics
import NIOCore
import Prometheus
import Storage

/// `GET /metrics` (unauthenticated; openapi.yaml): the Prometheus text format. Values that are state
/// rather than events (queue depth, outbox states) are read when scraped, so the hot paths pay
/// nothing for them.
struct MetricsController {
    let registry: PrometheusCollectorRegistry
    let clickWriter: ClickWriter
    let outbox: any OutboxRepository

    private static let queueDepth = Gauge(label: "clicktrail_click_queue_depth")
    private static let outboxStates = ["queued", "sent", "failed", "dead"].map { state in
        (state, Gauge(label: "clicktrail_outbox_events", dimensions: [("state", state)]))
    }
    private static let oldestQueuedAge = Gauge(label: "clicktrail_outbox_oldest_queued_age_seconds")
    private static let scrapeErrors = Counter(label: "clicktrail_database_errors_total", dimensions: [("operation", "metrics")])

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("metrics") { _, _ in try await self.exposition() }
    }

    private func exposition() async throws -> Response {
        Self.queueDepth.record(clickWriter.queueDepth)
        do {
            let counts = try await outbox.counts()
            let values = ["queued": counts.queued, "sent": counts.sent, "failed": counts.failed, "dead": counts.dead]
            for (state, gauge) in Self.outboxStates { gauge.record(values[state] ?? 0) }
            Self.oldestQueuedAge.record(counts.oldestQueued.map { max(0, Date().timeIntervalSince($0)) } ?? 0)
        } catch {
            // The other metrics are still worth a scrape; the failure shows in the error counter.
            Self.scrapeErrors.increment()
        }
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
