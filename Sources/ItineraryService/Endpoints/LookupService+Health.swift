import Hummingbird

/// `GET /healthz`, `GET /readyz`, `GET /metrics`.
extension LookupService {
    func health() -> Response {
        Responses.json(#"{"status":"ok"}"#, private: false)
    }

    /// 200 when the database answers, 503 `service_unavailable` otherwise.
    func readiness() async throws -> Response {
        try await store.ping()
        return Responses.json(#"{"status":"ready"}"#, private: false)
    }

    func metricsText() -> Response {
        Responses.text(metrics.exposition(), contentType: "text/plain; version=0.0.4; charset=utf-8")
    }
}
