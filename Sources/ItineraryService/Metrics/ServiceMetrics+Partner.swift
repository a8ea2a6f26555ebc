import Prometheus

/// Per lookup service (docs/partner-api.md), labelled with its client id:
/// `lookup_partner_requests_total{partner,status}`, `lookup_partner_rate_limited_total{partner}`
/// (its 429s for its request rate or daily reads) and `lookup_partner_request_duration_seconds{partner}`.
extension ServiceMetrics {
    private static let partnerBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(1000),
    ]

    func recordPartnerRequest(_ clientID: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "lookup_partner_requests", unitName: "total",
                helpText: "Lookup services' requests by partner and status"),
            labels: [("partner", clientID), ("status", String(status))]
        ).increment()
        if status == 429 {
            registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    metricName: "lookup_partner_rate_limited", unitName: "total",
                    helpText: "Lookup services' requests refused 429 by partner"),
                labels: [("partner", clientID)]
            ).increment()
        }
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                metricName: "lookup_partner_request_duration", unitName: "seconds",
                helpText: "Lookup services' request latency by partner"),
            labels: [("partner", clientID)], buckets: Self.partnerBuckets
        ).record(duration)
    }
}
