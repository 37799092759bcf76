import Metrics
import Prometheus

/// The process's metrics: swift-metrics in front, one Prometheus registry behind it, served at
/// `GET /metrics`. swift-metrics has a single process-wide backend that can be set once and
/// binds each metric when it is created, so `bootstrap()` runs before anything makes one
/// (first thing in `serve`, and in the tests' service).
package enum AppMetrics {
    package static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // A redirect takes about a millisecond: the default buckets start at 5 ms.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
            .seconds(10),
        ]
        factory.nameAndLabelSanitizer = { name, labels in
            (sanitized(name), labels.map { (sanitized($0.0), $0.1) })
        }
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    package static func bootstrap() {
        _ = registry
    }

    /// Prometheus names and label names allow `[a-zA-Z_:][a-zA-Z0-9_:]*`; the dotted OpenTelemetry
    /// style of some libraries would make the whole exposition unreadable.
    static func sanitized(_ name: String) -> String {
        String(name.unicodeScalars.map { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", ":": Character(scalar)
            default: "_"
            }
        })
    }
}
