import Hummingbird
import ItineraryCore

/// `GET /healthz`, `GET /readyz`, and `GET /metrics` (on the metrics listener, ``MetricsListener``).
extension LookupService {
    func health() -> Response {
        Responses.json(#"{"status":"ok"}"#, private: false)
    }

    /// 200 when the database answers, with how the data time stands:
    /// `{"status":"ready","data":"current|stale|replay","data_time":"…"|null,"data_lag_seconds":…|null,
    /// "max_data_lag_seconds":…|null,"reason":"…"|null}`. 503 `service_unavailable` when the
    /// database does not answer, 503 `signing_key_revoked` while this instance's signing key is
    /// withdrawn (another instance can serve). Stale data does not make an instance unready:
    /// every instance reads the same store, so a balancer would take them all out and nobody
    /// would learn even that the data is late; the cards say it, and the lag metric alerts.
    func readiness() async throws -> Response {
        try await stores.maintenance.ping()
        guard try await !currentKeys().signerRevoked else { throw APIError.signingKeyRevoked }
        let freshness = try await freshness(now: clock.now())
        var writer = JSONWriter()
        writer.beginObject()
        writer.string("status", "ready")
        writer.string("data", configuration.cardClock == .data ? "replay" : freshness.isStale ? "stale" : "current")
        writer.string("data_time", freshness.dataTime.map { UTCTimestamp.format($0) })
        writer.int("data_lag_seconds", freshness.lag)
        writer.int(
            "max_data_lag_seconds", configuration.cardClock == .wall ? configuration.maxDataLag.inWholeSeconds : nil)
        writer.string("reason", freshness.staleReason)
        writer.endObject()
        return Responses.json(writer.text, private: false)
    }

    /// The exposition, with the data lag read afresh when the store answers (the last value
    /// otherwise: a scrape never fails for the database).
    func metricsText() async -> Response {
        _ = try? await freshness(now: clock.now())
        return Responses.text(metrics.exposition(), contentType: "text/plain; version=0.0.4; charset=utf-8")
    }
}
