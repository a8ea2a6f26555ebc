import Prometheus

/// The service's Prometheus metrics, in a registry of its own (so several servers can run in
/// one process, as tests do, without bootstrapping the global `MetricsSystem`).
///
/// - `lookup_http_requests_total{route,method,status}`,
///   `lookup_http_request_duration_seconds{route,method,status}` (histogram),
///   `lookup_http_request_errors_total{route,method,status}` (requests answered by a thrown
///   error) and `lookup_http_active_requests{method}`: Hummingbird's `MetricsMiddleware`, through
///   ``factory`` (`route` is `NotFound` for unknown paths)
/// - `lookup_otp_sends_total{outcome}`: `sent`, `phone_limited`, `client_limited`, `network_limited`, `budget_limited`
/// - `lookup_otp_verifications_total{outcome}`: `accepted`, `wrong_code`, `expired`, `too_many_attempts`, `no_code`
/// - `lookup_sms_outbox_pending`: messages waiting; `lookup_sms_sent_total{result}`: `sent`, `retry`, `failed`,
///   `unknown` (handed to the gateway, result never recorded: not sent again)
/// - `lookup_database_unavailable_total`: requests answered 503
/// - `lookup_data_lag_seconds`: how far the store's data time lags the service clock (the whole
///   clock while the store has no data), `lookup_data_time_seconds`: the data time (0 without
///   data), `lookup_data_stale`: 1 while cards are stale; read at every scrape, card and `/readyz`
public final class ServiceMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let outboxPending: Gauge
    let databaseUnavailable: Counter
    let dataLag: Gauge
    let dataTime: Gauge
    let dataStale: Gauge

    /// swift-metrics over ``registry``, with Hummingbird's metric names and labels renamed to the
    /// service's; the server binds it to its tasks (`withMetricsFactory`), so its
    /// `MetricsMiddleware` records here, not in the process-wide `MetricsSystem`.
    public let factory: PrometheusMetricsFactory

    /// Hummingbird's names (`MetricsMiddleware`) → the service's.
    private static let names = [
        "hb.requests": "lookup_http_requests_total",
        "http.server.request.duration": "lookup_http_request_duration_seconds",
        "hb.request.errors": "lookup_http_request_errors_total",
        "http.server.active_requests": "lookup_http_active_requests",
    ]
    private static let labels = [
        "http.route": "route", "http.request.method": "method", "http.response.status_code": "status",
        "error.type": "status",
    ]

    private static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (ServiceMetrics.names[name] ?? name, labels.map { (ServiceMetrics.labels[$0.0] ?? $0.0, $0.1) })
        }
        factory.durationHistogramBuckets["lookup_http_request_duration_seconds"] = Self.buckets
        self.factory = factory
        outboxPending = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "lookup_sms_outbox_pending", unitName: "", helpText: "SMS waiting in the outbox"),
            labels: []
        )
        databaseUnavailable = registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "lookup_database_unavailable", unitName: "total",
                helpText: "Requests answered 503 because the database was away"
            ),
            labels: []
        )
        dataLag = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "lookup_data_lag", unitName: "seconds",
                helpText: "How far the store's data time lags the service clock"),
            labels: []
        )
        dataTime = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "lookup_data_time", unitName: "seconds",
                helpText: "The store's data time: the newest accepted event time, Unix seconds (0: no data)"),
            labels: []
        )
        dataStale = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "lookup_data_stale", unitName: "",
                helpText: "1 while cards are stale (gray) because the data time lags past --max-data-lag"),
            labels: []
        )
    }

    func recordFreshness(_ freshness: DataFreshness) {
        dataTime.set(freshness.dataTime ?? 0)
        dataLag.set(freshness.lag ?? freshness.now)
        dataStale.set(freshness.isStale ? Int64(1) : 0)
    }

    func recordSend(_ outcome: String) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "lookup_otp_sends", unitName: "total", helpText: "Code requests by outcome"),
            labels: [("outcome", outcome)]
        ).increment()
    }

    func recordVerification(_ outcome: OTPOutcome) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "lookup_otp_verifications", unitName: "total", helpText: "Code verifications by outcome"),
            labels: [("outcome", outcome.label)]
        ).increment()
    }

    func recordSMS(_ result: String, count: Int = 1) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "lookup_sms_sent", unitName: "total", helpText: "Outbox send attempts by result"),
            labels: [("result", result)]
        ).increment(by: Int64(count))
    }

    /// The Prometheus text exposition.
    public func exposition() -> String { registry.emitToString() }
}
